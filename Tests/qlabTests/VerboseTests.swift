import Foundation
import Testing

/// `--verbose` adds diagnostic lines on stderr and changes nothing else; without it there are none.
struct VerboseTests {
    /// Lines in swift-log's stream format from the `qlab` logger (`TIME LEVEL qlab: [MODULE] MESSAGE`).
    static func diagnostics(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { line in
            ["trace", "debug", "info"].contains { line.contains(" \($0) qlab:") }
        }
    }

    @Test func verboseWritesDiagnosticsAndQuietWritesNone() throws {
        let cache = try BLASKernelCommandTests.temporary()
        defer { try? FileManager.default.removeItem(at: cache) }
        let environment = ["QLAB_CACHE_DIR": cache.path]
        let quiet = try CLI.run(["blas", "--name"], environment: environment, removing: ["QLAB_LOG_LEVEL"])
        let verbose = try CLI.run(["--verbose", "blas", "--name"], environment: environment, removing: ["QLAB_LOG_LEVEL"])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(verbose.status == 0, "\(verbose.stderr)")
        #expect(Self.diagnostics(quiet.stderr).isEmpty, "\(quiet.stderr)")
        let lines = Self.diagnostics(verbose.stderr)
        #expect(lines.contains { $0.contains("BLAS kernel \(quiet.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) (") }, "\(verbose.stderr)")
        // The command's own output is the same.
        #expect(verbose.stdout == quiet.stdout)
    }

    @Test func theFlagIsAcceptedAfterTheCommandToo() throws {
        let cache = try BLASKernelCommandTests.temporary()
        defer { try? FileManager.default.removeItem(at: cache) }
        let result = try CLI.run(["blas", "--name", "--verbose"], environment: ["QLAB_CACHE_DIR": cache.path], removing: ["QLAB_LOG_LEVEL"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!Self.diagnostics(result.stderr).isEmpty)
    }

    @Test func anUnknownLevelIsRefused() throws {
        let result = try CLI.run(["blas", "--name"], environment: ["QLAB_LOG_LEVEL": "loud"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("qlab: error: QLAB_LOG_LEVEL=loud is not a log level; use one of trace, debug, info"), "\(result.stderr)")
    }
}
