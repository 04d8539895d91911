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

    /// Only Linux (and a few other systems) has a device whose every write fails with ENOSPC; where it is missing
    /// the test is reported as skipped, not passed without having checked anything.
    static let hasFullDevice = FileManager.default.isWritableFile(atPath: "/dev/full")

    @Test(.enabled(if: hasFullDevice, "needs /dev/full, a stream on which every write fails with ENOSPC"))
    func anErrorToAFullStandardErrorStillExitsWithItsStatus() throws {
        // The same command with a writable stderr: the status to expect.
        let expected = try run(["plan", "no-such-experiment"], stderrTo: "/dev/null")
        #expect(expected == 64)
        #expect(try run(["plan", "no-such-experiment"], stderrTo: "/dev/full") == expected)
        // A command's own validation error (presented by qlab, not by the argument parser) the same way: the status it
        // chose with a writable stderr, not merely "not killed".
        let train = ["train", "--out", "/dev/null/x", "--steps", "1"]
        let chosen = try run(train, stderrTo: "/dev/null")
        #expect(chosen != 0, "the command must fail for the comparison to mean anything")
        #expect(try run(train, stderrTo: "/dev/full", stdoutTo: "/dev/full") == chosen)
    }
}
