import Foundation
@testable import Runner
import Testing

/// The Slurm client commands run as programs, against stand-in scripts on a search path of their own.
@Suite struct SlurmCommandsTests {
    /// A folder holding one executable script named `tool`.
    static func folder(with tool: String, _ body: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-slurm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let script = folder.appendingPathComponent(tool)
        try Data(("#!/bin/sh\n" + body).utf8).write(to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return folder
    }

    @Test func aCommandFillingStderrBeforeItPrintsItsAnswerIsReadToTheEnd() throws {
        // 300 KB on stderr before the answer on stdout, more than a pipe holds: a caller that reads stdout to
        // its end before touching stderr leaves the script blocked forever. `timeout` bounds that: after 30 s
        // the blocked write is killed and the script exits 9 without an answer, so such a caller fails here
        // instead of hanging the suite.
        let folder = try Self.folder(with: "squeue", """
            if timeout 30 sh -c 'head -c 300000 /dev/zero | tr "\\000" w >&2'; then
                echo '41|0|RUNNING'
                echo '41|1|PENDING'
            else
                exit 9
            fi
            """)
        defer { try? FileManager.default.removeItem(at: folder) }
        let commands = SlurmCommands(searchPath: folder.path)
        let queue = try commands.queue()
        #expect(queue == [.init(job: "41", task: 0, state: "RUNNING"), .init(job: "41", task: 1, state: "PENDING")])
    }

    @Test func aCommandThatDoesNotAnswerIsKilledAndReported() throws {
        let folder = try Self.folder(with: "squeue", "sleep 100\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let commands = SlurmCommands(searchPath: folder.path, timeout: .milliseconds(300))
        #expect {
            try commands.queue()
        } throws: { error in
            "\(error)".contains("did not finish within") && "\(error)".contains("squeue")
        }
    }

    @Test func aFailingCommandReportsItsStderr() throws {
        let folder = try Self.folder(with: "scancel", "echo 'Invalid job id specified' >&2\nexit 1\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect {
            try SlurmCommands(searchPath: folder.path).cancel(job: "7")
        } throws: { error in
            "\(error)".contains("scancel 7 failed (exit 1): Invalid job id specified")
        }
    }

    @Test func aMissingCommandSaysWhereToRunIt() {
        #expect {
            try SlurmCommands(searchPath: "/nonexistent").queue()
        } throws: { error in
            "\(error)".contains("`squeue` is not on PATH")
        }
        #expect(SlurmCommands(searchPath: "/nonexistent").accounting(job: "7") == nil)
    }
}
