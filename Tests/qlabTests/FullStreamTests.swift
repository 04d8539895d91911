import Foundation
import Testing

/// A message to a stream that cannot be written (standard error on a full disk, here /dev/full) must not kill
/// qlab: it exits with the status it chose. Foundation's `FileHandle.write(_:)` trapped on the failed write and
/// the process died with SIGILL (status 132), which a grid coordinator on a full disk did.
struct FullStreamTests {
    func run(_ arguments: [String], stderrTo path: String, stdoutTo out: String = "/dev/null") throws -> Int32 {
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = arguments
        process.standardError = try #require(FileHandle(forWritingAtPath: path))
        process.standardOutput = try #require(FileHandle(forWritingAtPath: out))
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "killed by signal \(process.terminationStatus)")
        return process.terminationStatus
    }

    @Test func anErrorToAFullStandardErrorStillExitsWithItsStatus() throws {
        guard FileManager.default.isWritableFile(atPath: "/dev/full") else { return }
        // The same command with a writable stderr: the status to expect.
        let expected = try run(["plan", "no-such-experiment"], stderrTo: "/dev/null")
        #expect(expected == 64)
        #expect(try run(["plan", "no-such-experiment"], stderrTo: "/dev/full") == expected)
        // A bad flag value (an error presented by qlab, not by the argument parser) the same way.
        #expect(try run(["train", "--out", "/dev/null/x", "--steps", "1"], stderrTo: "/dev/full", stdoutTo: "/dev/full") != 132)
    }
}
