import Foundation
import Testing
@testable import Support

/// Real programs (/bin/sh and coreutils) run through `ExternalProgram`.
@Suite struct ExternalProgramTests {
    static func shell(_ script: String) -> ExternalProgram {
        var program = ExternalProgram("/bin/sh", ["-c", script])
        // A bound for the suite, not an expectation: every script here ends by itself long before it.
        program.timeout = .seconds(120)
        return program
    }

    @Test func stderrFilledBeforeStdoutIsReadAlongside() throws {
        // 300 KB on stderr before a byte on stdout: a reader that waits for the end of stdout first never gets it.
        let result = try Self.shell("head -c 300000 /dev/zero | tr '\\000' e >&2; echo done").run()
        #expect(result.termination == .exited(0))
        #expect(result.output == "done\n")
        #expect(result.stderrBytes == 300_000)
        #expect(result.stderr.count == 300_000)
        #expect(result.stderr.allSatisfy { $0 == UInt8(ascii: "e") })
    }

    @Test func theInputIsItsStdin() throws {
        var program = ExternalProgram("/bin/cat")
        program.input = Array("line one\nline two\n".utf8)
        let result = try program.run()
        #expect(result.termination == .exited(0))
        #expect(result.output == "line one\nline two\n")
    }

    @Test func inputItNeverReadsDoesNotBlock() throws {
        var program = Self.shell("echo ignored")
        program.input = [UInt8](repeating: UInt8(ascii: "x"), count: 3_000_000)
        let result = try program.run()
        #expect(result.termination == .exited(0))
        #expect(result.output == "ignored\n")
    }

    @Test func withoutInputStdinIsEmpty() throws {
        let result = try Self.shell("wc -c").run()
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func outputPastTheLimitIsCountedNotKept() throws {
        var program = Self.shell("head -c 100000 /dev/zero; head -c 5000 /dev/zero >&2")
        program.outputLimit = 1000
        program.errorLimit = 10
        let result = try program.run()
        #expect(result.stdout.count == 1000)
        #expect(result.stdoutBytes == 100_000)
        #expect(result.stderr.count == 10)
        #expect(result.stderrBytes == 5000)
    }

    @Test func environmentAndWorkingDirectory() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-program-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var program = Self.shell("echo \"$QLAB_PROGRAM_TEST\"; echo \"${HOME-unset}\"; pwd -P")
        program.environment = ["QLAB_PROGRAM_TEST": "set for the child", "HOME": nil]
        program.workingDirectory = folder.path
        let lines = try program.run().output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.first == "set for the child")
        #expect(lines.dropFirst().first == "unset")
        #expect(lines.last == folder.resolvingSymlinksInPath().path)
    }

    @Test func exitStatusAndSignal() throws {
        let failed = try Self.shell("echo 'went wrong' >&2; exit 3").run()
        #expect(failed.termination == .exited(3))
        #expect(failed.errorOutput == "went wrong\n")
        let killed = try Self.shell("kill -TERM $$").run()
        #expect(killed.termination == .signaled(SIGTERM))
    }

    @Test func theTimeoutKillsTheProgramAndWhatItStarted() throws {
        // The script ignores SIGTERM and waits on a child: only SIGKILL to the whole group ends both, and the
        // child's copy of stdout would otherwise keep the run open for 100 s.
        var program = ExternalProgram("/bin/sh", ["-c", "trap '' TERM; echo started; sleep 100; echo never"])
        program.timeout = .milliseconds(300)
        let result = try program.run()
        #expect(result.termination == .timedOut)
        #expect(result.output == "started\n")
    }

    @Test func outputHeldOpenInTheBackgroundDoesNotHoldTheRunUp() throws {
        // The script exits at once, but a background child keeps stdout open for 100 s; the timeout is longer
        // still, so only the cut-off after the program's exit can end this run as an exit.
        var program = ExternalProgram("/bin/sh", ["-c", "sleep 100 & echo A"])
        program.timeout = .seconds(600)
        let result = try program.run()
        #expect(result.termination == .exited(0))
        #expect(result.output == "A\n")
    }

    @Test func aMissingProgramCannotStart() {
        #expect {
            try ExternalProgram("/nonexistent/program").run()
        } throws: { error in
            (error as? ExternalProgram.LaunchError)?.description.hasPrefix("cannot start /nonexistent/program: ") == true
        }
    }

    @Test func diagnosticsQuoteWordsAsAShellWould() {
        #expect(ExternalProgram.quoted("--format=%F|%K") == "'--format=%F|%K'")
        #expect(ExternalProgram.quoted("it's") == "'it'\\''s'")
        #expect(ExternalProgram.quoted("plain-word_1.txt") == "plain-word_1.txt")
        #expect(ExternalProgram.quoted("") == "''")
    }
}
