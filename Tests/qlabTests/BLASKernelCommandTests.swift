import Foundation
import Testing

/// Every qlab process chooses its BLAS kernel at start: a vector kernel when nothing is set, a set value kept.
struct BLASKernelCommandTests {
    /// The variables through which a kernel choice could reach the child from this process's environment.
    static let inherited = ["OPENBLAS_CORETYPE", "QLAB_BLAS_CORE", "QLAB_BLAS_AUTO", "QLAB_BLAS_DEFAULT", "QLAB_BLAS_FAILED", "QLAB_BLAS_EXECUTIONS"]

    struct Report: Decodable {
        var core: String
        var source: String
        var features: [String]
        var candidates: [String]
        var cache: String
        struct Check: Decodable { var passed: Bool; var worst_ratio: Double; var threads: [Int] }
        var self_check: Check?
        var threads: Int
    }

    static func blas(_ extra: [String] = [], environment: [String: String] = [:], cache: URL) throws -> (CLI.Result, Report?) {
        var env = environment
        env["QLAB_CACHE_DIR"] = cache.path
        let result = try CLI.run(["blas", "--json"] + extra, environment: env, removing: inherited.filter { environment[$0] == nil })
        let report = try? JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        return (result, report)
    }

    static func temporary() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-blas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func withNothingSetAVectorKernelIsChosenAndChecked() throws {
        let cache = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: cache) }
        let (result, parsed) = try Self.blas(cache: cache)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(parsed, "\(result.stdout)")
        // The rule, not one machine's outcome: the kernel in use is one this processor runs, and none it runs is
        // better. OpenBLAS's own pick is kept when it is at least as good as the first candidate (Debian's
        // OpenBLAS picks Cooperlake by itself on a Zen 5, which ranks with SkylakeX, so qlab keeps it there;
        // it picks Prescott on a recent Intel Xeon, so qlab moves to SkylakeX).
        // A kernel outside qlab's ranking (OpenBLAS loads "Zen" on a Zen 3) is OpenBLAS's own, trusted as it is.
        let ranked = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Sandybridge", "Haswell", "SkylakeX", "Cooperlake"]
        if let rank = ranked.firstIndex(of: report.core) {
            let best = try #require(report.candidates.first, "no candidates for \(report.features)")
            let bestRank = try #require(ranked.firstIndex(of: best))
            #expect(report.candidates.contains(report.core), "\(report.core) is not among \(report.candidates)")
            #expect(rank >= bestRank, "\(report.core) chosen while the processor runs \(best)")
        } else {
            #expect(report.source == "OpenBLAS's own choice", "\(report.core): \(report.source)")
        }
        if report.features.contains("avx2") && report.features.contains("fma") {
            #expect(report.core != "Prescott")
        }
        #expect(report.self_check?.passed == true)
        // The verdict is cached for the next start, keyed by this kernel.
        let cached = try String(contentsOfFile: report.cache, encoding: .utf8)
        #expect(cached.contains("| \(report.core)\""))
        // A second start reads the verdict instead of checking again and chooses the same.
        let (again, second) = try Self.blas(cache: cache)
        #expect(again.status == 0)
        #expect(second?.core == report.core)
    }

    /// `--recheck` runs the self-check again, on 1 thread and on all of the process's, in a process of its own.
    @Test func aRecheckRunsOnOneThreadAndOnAll() throws {
        let cache = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: cache) }
        let (result, parsed) = try Self.blas(["--recheck"], cache: cache)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(parsed, "\(result.stdout)")
        let check = try #require(report.self_check)
        #expect(check.passed && check.worst_ratio >= 0 && check.worst_ratio < 0.5, "\(check)")
        #expect(check.threads == Array(Set([1, report.threads])).sorted())
    }

    @Test func aSetCoreTypeIsKept() throws {
        let cache = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: cache) }
        // Prescott runs on every x86-64 CPU of this kind: the one a user might set to rule newer kernels out.
        let (result, parsed) = try Self.blas(environment: ["OPENBLAS_CORETYPE": "Prescott"], cache: cache)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(parsed, "\(result.stdout)")
        #expect(report.core == "Prescott")
        #expect(report.source == "set by OPENBLAS_CORETYPE")
    }

    @Test func theKernelCanBeNamed() throws {
        let cache = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: cache) }
        let (probe, info) = try Self.blas(cache: cache)
        #expect(probe.status == 0)
        guard let features = info?.features, features.contains("sse4.2") else { return }
        let (flag, byFlag) = try Self.blas(["--blas-core", "Nehalem"], cache: cache)
        #expect(flag.status == 0, "\(flag.stderr)")
        #expect(byFlag?.core == "Nehalem")
        let (variable, byVariable) = try Self.blas(environment: ["QLAB_BLAS_CORE": "Core2"], cache: cache)
        #expect(variable.status == 0, "\(variable.stderr)")
        #expect(byVariable?.core == "Core2")
        let (bad, _) = try Self.blas(["--blas-core=NoSuchCore"], cache: cache)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("did not load the BLAS kernel NoSuchCore"))
    }

    @Test func theNameFlagPrintsOnlyTheKernel() throws {
        let cache = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: cache) }
        let (_, info) = try Self.blas(cache: cache)
        let result = try CLI.run(["blas", "--name"], environment: ["QLAB_CACHE_DIR": cache.path], removing: Self.inherited)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == info?.core)
    }
}

/// `qlab --version`: the version, the checkout and commit it was built from, and the kernel it would choose.
struct VersionTests {
    @Test func versionNamesTheCommitAndTheKernel() throws {
        // Both processes decide the kernel from the same environment (nothing set, one fresh verdict cache): a
        // kernel set by this machine's environment (OPENBLAS_CORETYPE=Haswell on some) would otherwise be compared
        // with the one qlab chooses when nothing is set.
        let cache = try BLASKernelCommandTests.temporary()
        defer { try? FileManager.default.removeItem(at: cache) }
        let r = try CLI.run(["--version"], environment: ["QLAB_CACHE_DIR": cache.path], removing: BLASKernelCommandTests.inherited)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("qlab ") == true)
        // The tests run from the checkout the binary was built in: its commit is the one git reports there.
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        git.arguments = ["-C", CLI.packageRoot.path, "rev-parse", "HEAD"]
        let out = Pipe()
        git.standardOutput = out
        try git.run()
        let head = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        git.waitUntilExit()
        #expect(lines.contains { $0.hasPrefix("commit:") && $0.contains(head) }, "\(r.stdout)")
        let (_, blas) = try BLASKernelCommandTests.blas(cache: cache)
        #expect(lines.contains { $0.hasPrefix("BLAS kernel: \(blas?.core ?? "?"),") }, "\(r.stdout)")
    }
}
