import Foundation
import Testing

/// `--matmul` on the command line: a bad name is refused with the choices, oneDNN asked for by name is checked,
/// used and shown, and the choice reaches `qlab blas --json`. No test assumes what `auto` picks here.
struct MatmulCommandTests {
    static let inherited = ["QLAB_MATMUL", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OPENBLAS_THREAD_TIMEOUT", "QLAB_THREAD_WAIT_SET", "QLAB_MATMUL_CHOSEN"]

    struct Report: Decodable {
        struct Matmul: Decodable {
            var backend: String
            var request: String
            var recorded_kernel: String
            var onednn_isa: String
            struct Check: Decodable { var passed: Bool }
            var onednn_self_check: Check?
            struct Rates: Decodable { var openblas: Double; var onednn: Double; var threads: Int; var share_of_cores: Double? }
            var gflops: Rates?
            var omp_wait_policy: String?
            var gomp_spincount: String?
            var openblas_thread_timeout: String?
            var passed_to_children: String?
        }
        var core: String
        var threads: Int
        var matmul: Matmul
        /// What a run records after the core on this many threads (products cut into blocks on more than one).
        var blocks: String { threads > 1 ? " + qlab blocks" : "" }
    }

    static func blas(_ extra: [String], environment: [String: String] = [:], cache: URL) throws -> (CLI.Result, Report?) {
        var env = environment
        env["QLAB_CACHE_DIR"] = cache.path
        let result = try CLI.run(["blas", "--json"] + extra, environment: env, removing: inherited.filter { environment[$0] == nil })
        return (result, try? JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8)))
    }

    static func temporary() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-matmul-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func aBadBackendIsRefusedWithTheChoices() throws {
        let cache = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: cache) }
        for arguments in [["--matmul", "foo"], ["--matmul=foo"]] {
            let (result, _) = try Self.blas(arguments, cache: cache)
            #expect(result.status != 0)
            #expect(result.stderr.contains("unknown matmul backend \"foo\": expected openblas, onednn or auto"), "\(result.stderr)")
        }
        let (missing, _) = try Self.blas(["--matmul"], cache: cache)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("--matmul needs a backend"), "\(missing.stderr)")
        let (fromEnvironment, _) = try Self.blas([], environment: ["QLAB_MATMUL": "mkl"], cache: cache)
        #expect(fromEnvironment.status != 0)
        #expect(fromEnvironment.stderr.contains("\"mkl\""), "\(fromEnvironment.stderr)")
    }

    @Test func oneDNNByNameIsCheckedUsedAndRecorded() throws {
        let cache = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: cache) }
        let (result, parsed) = try Self.blas(["--matmul", "onednn"], cache: cache)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(parsed, "\(result.stdout)")
        #expect(report.matmul.backend == "onednn")
        #expect(report.matmul.onednn_self_check?.passed == true)
        #expect(report.matmul.recorded_kernel.hasPrefix("oneDNN ") && report.matmul.recorded_kernel.hasSuffix("+ OpenBLAS \(report.core)\(report.blocks)"))
        #expect(report.matmul.recorded_kernel != report.core)
        #expect(FileManager.default.fileExists(atPath: cache.appendingPathComponent("matmul-backends.json").path))

        let (plain, plainReport) = try Self.blas(["--matmul", "openblas"], cache: cache)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plainReport?.matmul.backend == "openblas")
        #expect(plainReport.map { $0.matmul.recorded_kernel == $0.core + $0.blocks } == true)
    }

    /// Under oneDNN the process runs with idle OpenMP and OpenBLAS threads sleeping, set by executing again, unless
    /// the user set a policy; under OpenBLAS nothing is set.
    @Test func oneDNNRunsWithSleepingIdleThreadsUnlessAPolicyIsSet() throws {
        let cache = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: cache) }
        let (set, setReport) = try Self.blas(["--matmul", "onednn"], cache: cache)
        #expect(set.status == 0, "\(set.stderr)")
        #expect(setReport?.matmul.omp_wait_policy == "passive", "\(set.stdout)")
        #expect(setReport?.matmul.openblas_thread_timeout == "4", "\(set.stdout)")
        let (kept, keptReport) = try Self.blas(["--matmul", "onednn"], environment: ["OMP_WAIT_POLICY": "active"], cache: cache)
        #expect(kept.status == 0, "\(kept.stderr)")
        #expect(keptReport?.matmul.omp_wait_policy == "active")
        #expect(keptReport?.matmul.openblas_thread_timeout == "4")
        let (spin, spinReport) = try Self.blas(["--matmul", "onednn"], environment: ["GOMP_SPINCOUNT": "1000", "OPENBLAS_THREAD_TIMEOUT": "20"],
                                               cache: cache)
        #expect(spin.status == 0, "\(spin.stderr)")
        #expect(spinReport?.matmul.omp_wait_policy == nil && spinReport?.matmul.gomp_spincount == "1000")
        #expect(spinReport?.matmul.openblas_thread_timeout == "20")
        let (plain, plainReport) = try Self.blas(["--matmul", "openblas"], cache: cache)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plainReport?.matmul.omp_wait_policy == nil && plainReport?.matmul.openblas_thread_timeout == nil)
    }

    /// With nothing named, qlab decides as `auto` does.
    @Test func nothingNamedMeansAuto() throws {
        let cache = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: cache) }
        let (result, parsed) = try Self.blas([], cache: cache)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(parsed, "\(result.stdout)")
        #expect(report.matmul.request == "auto")
        let rates = try #require(report.matmul.gflops)
        #expect(report.matmul.backend == (rates.onednn > 1.05 * rates.openblas ? "onednn" : "openblas"))
    }

    /// `auto` measures once and caches; whichever backend it takes must follow the rates it reports.
    @Test func autoChoosesFromItsOwnMeasurement() throws {
        let cache = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: cache) }
        let (result, parsed) = try Self.blas([], environment: ["QLAB_MATMUL": "auto"], cache: cache)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(parsed, "\(result.stdout)")
        let rates = try #require(report.matmul.gflops)
        #expect(rates.openblas > 0 && rates.onednn > 0)
        #expect(report.matmul.backend == (rates.onednn > 1.05 * rates.openblas ? "onednn" : "openblas"))
        // The processes qlab starts are handed the verdict (a re-execution for oneDNN's idle threads included).
        let handed = try #require(report.matmul.passed_to_children)
        #expect(handed.contains(#""backend":"\#(report.matmul.backend)""#), "\(handed)")
        // The second start reads the cached measurement (the same figures) if it was made with the cores to
        // itself; one made under load (as a parallel test run may impose) is not cached, and is made again.
        let share = try #require(rates.share_of_cores)
        #expect(share > 0)
        let (_, again) = try Self.blas(["--matmul", "auto"], cache: cache)
        let cachedFile = try String(contentsOf: cache.appendingPathComponent("matmul-backends.json"), encoding: .utf8)
        if share >= 0.8 {
            #expect(again?.matmul.gflops?.openblas == rates.openblas)
            #expect(again?.matmul.backend == report.matmul.backend)
        } else {
            #expect(!cachedFile.contains("\(rates.openblas)"), "\(cachedFile)")
        }
        // A backend asked for by name is handed on as QLAB_MATMUL, not as an auto verdict.
        let (_, named) = try Self.blas(["--matmul", "openblas"], cache: cache)
        #expect(named?.matmul.passed_to_children == nil)
    }
}
