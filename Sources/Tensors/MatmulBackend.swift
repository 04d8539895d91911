import Foundation
import Support
import Synchronization

/// The library that computes matrix products (`BLAS.sgemm` with more than one row): OpenBLAS, the reference that
/// is always there, or oneDNN's matmul primitive. Single rows (SGEMV) stay with OpenBLAS under both.
public enum MatmulBackend: String, Sendable, CaseIterable, Codable {
    case openblas
    case onednn

    /// The environment variable carrying `--matmul` to qlab's own child processes (and read by the library when
    /// nothing selected a backend, so that a whole test run can be made under either).
    public static let variable = "QLAB_MATMUL"

    /// What a user may ask for: a backend by name, or `auto`.
    public enum Request: Equatable, Sendable, CustomStringConvertible {
        case backend(MatmulBackend)
        case auto

        /// Parses `openblas`, `onednn` or `auto` (any case); anything else is an error naming the choices.
        public init(parsing text: String) throws {
            let lowered = text.lowercased()
            if lowered == "auto" {
                self = .auto
            } else if let backend = MatmulBackend(rawValue: lowered) {
                self = .backend(backend)
            } else {
                throw MatmulSelection.SelectionError(description: "unknown matmul backend \"\(text)\": expected openblas, onednn or auto")
            }
        }

        public var description: String {
            switch self {
            case .auto: "auto"
            case .backend(let b): b.rawValue
            }
        }
    }

    private static let state = Atomic<UInt8>(initial)

    /// What the environment names when nothing has been selected yet: a backend by name, else OpenBLAS.
    private static var initial: UInt8 {
        let named = ProcessInfo.processInfo.environment[variable].flatMap { MatmulBackend(rawValue: $0.lowercased()) }
        return named == .onednn ? 1 : 0
    }

    /// The backend every product goes to now. Set once at start (`MatmulSelection.select`) before any product runs.
    public static var active: MatmulBackend {
        get { state.load(ordering: .relaxed) == 1 ? .onednn : .openblas }
        set { state.store(newValue == .onednn ? 1 : 0, ordering: .relaxed) }
    }

    /// What a run records as its kernel (lineage's `blas_core`): OpenBLAS's core name alone under OpenBLAS, so
    /// that runs recorded before oneDNN existed compare as before; under oneDNN its version and instruction set
    /// and the OpenBLAS core that still computes single rows. A rerun on the other backend thus counts as a
    /// different kernel and is compared within tolerance.
    ///
    /// On more than one thread, " + qlab blocks" follows: products are cut into blocks across qlab's own threads
    /// (`WorkerPool`), which sums some elements differently from the libraries' own threading that earlier runs
    /// used, so a rerun of such a run compares within tolerance. On one thread nothing changed, and nothing is added.
    public static var recordedKernel: String {
        let blocks = BLAS.threads > 1 ? " + qlab blocks" : ""
        switch active {
        case .openblas: return BLAS.coreName + blocks
        case .onednn: return "oneDNN \(OneDNN.version) \(OneDNN.isa) + OpenBLAS \(BLAS.coreName)" + blocks
        }
    }

    /// `C = α · op(A) · op(B) + β · C` on this backend, with `BLAS.sgemm`'s arguments (no SGEMV shortcut).
    ///
    /// Under oneDNN, products of fewer than `OneDNN.smallestProduct` multiply-adds (attention per head, the LoRA
    /// branches) go to OpenBLAS: each oneDNN call is an OpenMP fork and join, which costs more than such a product,
    /// and on a busy machine a descheduled OpenMP thread stalls its partner at the join.
    public func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
                      c: UnsafeMutablePointer<Float>, ldc: Int) {
        switch self {
        case .openblas:
            BLAS.openblasSgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                               a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        case .onednn:
            if k == 0 || m * n * k < OneDNN.smallestProduct {
                // Small (see above), or an empty sum: C = β·C, which oneDNN rejects and OpenBLAS computes.
                BLAS.openblasSgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                                   a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            } else {
                OneDNN.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                             a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            }
        }
    }

    /// This backend alone as a product for `BLASSelfCheck`: under oneDNN every product of any size (k > 0) goes to
    /// oneDNN, so that the check examines oneDNN itself.
    public var product: BLASSelfCheck.Product {
        let backend = self
        return { ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
            if backend == .onednn && k > 0 {
                OneDNN.sgemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
                             ldb: ldb, beta: beta, c: c, ldc: ldc)
            } else {
                backend.sgemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
                              ldb: ldb, beta: beta, c: c, ldc: ldc)
            }
        }
    }
}

/// How the backend of this process was chosen (`select`), as the run header and `qlab blas` show it.
public struct MatmulSelection: Sendable, Equatable {
    public var backend: MatmulBackend
    public var request: MatmulBackend.Request
    /// Why this backend, in words.
    public var reason: String
    /// oneDNN's numerical self-check (the same as OpenBLAS's kernel check), when it was needed.
    public var onednnCheck: BLASSelfCheck.Result?
    /// GEMM rates measured at training shapes (GFLOP/s), when `auto` needed them.
    public var rates: MatmulRates?

    public init(backend: MatmulBackend, request: MatmulBackend.Request, reason: String,
                onednnCheck: BLASSelfCheck.Result?, rates: MatmulRates?) {
        self.backend = backend
        self.request = request
        self.reason = reason
        self.onednnCheck = onednnCheck
        self.rates = rates
    }

    public struct SelectionError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The line a run header prints.
    public var summary: String {
        var line = "matmul backend \(backend.rawValue) (\(reason))"
        if backend == .onednn { line += ", oneDNN \(OneDNN.version) on \(OneDNN.isa)" }
        return line
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var selected: MatmulSelection?

    /// The selection made by `select`, or the active backend unexamined.
    public static var current: MatmulSelection {
        lock.lock()
        defer { lock.unlock() }
        let active = MatmulBackend.active
        return selected ?? MatmulSelection(backend: active, request: .backend(active),
                                           reason: active == .openblas ? "nothing selected" : "named by \(MatmulBackend.variable)",
                                           onednnCheck: nil, rates: nil)
    }

    /// Chooses the backend for this process and makes it active. `request` is `--matmul` or `QLAB_MATMUL` (nil:
    /// `auto`, the default). Checks oneDNN numerically before using it and, for `auto`, measures both backends
    /// once per machine; both verdicts are cached (`MatmulVerdictCache`). An `auto` verdict is also put in the
    /// environment (`inheritedVariable`) for the processes this one starts.
    @discardableResult
    public static func select(request text: String?, recheck: Bool = false,
                              cache: MatmulVerdictCache = .standard(), warn: (String) -> Void) throws -> MatmulSelection {
        let selection = try choose(request: text, recheck: recheck, cache: cache, warn: warn)
        // The processes this one starts follow an `auto` verdict instead of choosing again.
        if selection.request == .auto { setenv(inheritedVariable, selection.inheritedValue, 1) }
        MatmulBackend.active = selection.backend
        lock.lock()
        selected = selection
        lock.unlock()
        Diagnostics.info(selection.summary)
        return selection
    }

    /// The environment variables through which a user sets how libgomp's idle threads wait.
    public static let openMPWaitVariables = ["OMP_WAIT_POLICY", "GOMP_SPINCOUNT"]

    /// How long OpenBLAS's idle threads yield before they sleep (2^N cycles), read when OpenBLAS loads.
    public static let openBLASTimeoutVariable = "OPENBLAS_THREAD_TIMEOUT"

    /// Marks a process that qlab executed again to set how idle threads wait (a guard against a loop).
    public static let threadWaitSetVariable = "QLAB_THREAD_WAIT_SET"

    /// The environment a process using oneDNN should run in, or nil when the present one will do.
    ///
    /// Under oneDNN two thread pools share the cores: oneDNN's OpenMP threads (the large products) and OpenBLAS's
    /// (attention's and the LoRA branches' small products), beside qlab's own element-wise threads. By default
    /// the idle threads of each keep the cores busy for a while after their work (libgomp spins, OpenBLAS calls
    /// `sched_yield` for up to 2^28 cycles), taking them from the others: on a 2-core AMD Zen 5 a QLoRA step ran
    /// at 231 tokens/s so, 366 with `OMP_WAIT_POLICY=passive`, and about 405 with `OPENBLAS_THREAD_TIMEOUT=4`
    /// as well. Both libraries read these settings only when they load, so they are set by executing again.
    /// A value the user set (`OMP_WAIT_POLICY` or `GOMP_SPINCOUNT`; `OPENBLAS_THREAD_TIMEOUT`) is kept, as a set
    /// OpenBLAS kernel is. Under OpenBLAS alone nothing is changed.
    public static func threadEnvironment(backend: MatmulBackend, environment: [String: String]) -> [String: String]? {
        guard backend == .onednn, environment[threadWaitSetVariable] == nil else { return nil }
        let unset = { (name: String) in (environment[name] ?? "").isEmpty }
        var changed = environment
        if openMPWaitVariables.allSatisfy(unset) { changed["OMP_WAIT_POLICY"] = "passive" }
        if unset(openBLASTimeoutVariable) { changed[openBLASTimeoutVariable] = "4" }
        guard changed != environment else { return nil }
        changed[threadWaitSetVariable] = "1"
        return changed
    }

    /// Executes this program again in the environment `threadEnvironment` gave (never returns), or throws.
    public static func executeAgain(environment: [String: String]) throws -> Never {
        let set = (openMPWaitVariables + [openBLASTimeoutVariable]).compactMap { name in
            environment[name].flatMap { $0 == ProcessInfo.processInfo.environment[name] ? nil : "\(name)=\($0)" }
        }
        Diagnostics.info("executing again with \(set.joined(separator: " ")): idle OpenMP and OpenBLAS threads would "
                         + "otherwise keep the cores from each other, and both libraries read these settings only when they load")
        try BLASKernel.executeAgain(environment: environment)
    }

    /// Carries an `auto` verdict to the processes qlab starts (a grid's workers, a re-execution): they take the
    /// backend their parent chose instead of choosing again, so that every cell of one grid runs on one backend
    /// and workers never measure the backends while their siblings load the cores.
    public static let inheritedVariable = "QLAB_MATMUL_CHOSEN"

    /// What `inheritedVariable` carries: the backend, why, and the rates it was chosen on.
    struct Inherited: Codable {
        var backend: MatmulBackend
        var reason: String
        var rates: MatmulRates?
    }

    /// The value of `inheritedVariable` for this selection (JSON).
    public var inheritedValue: String {
        let data = (try? JSONEncoder().encode(Inherited(backend: backend, reason: reason, rates: rates))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The backend, reason and rates an `inheritedVariable` value names, or nil when it is not such a value.
    public static func parseInherited(_ value: String) -> (backend: MatmulBackend, reason: String, rates: MatmulRates?)? {
        guard let parsed = try? JSONDecoder().decode(Inherited.self, from: Data(value.utf8)) else { return nil }
        return (parsed.backend, parsed.reason, parsed.rates)
    }

    /// The choice `select` makes, without making it active.
    /// `threads` names the cache entry (the thread count the backends run at here). `inherited` is a parent's
    /// `auto` verdict (`inheritedVariable`), followed by `auto` unless `recheck` asks to measure again.
    public static func choose(request text: String?, recheck: Bool = false, cache: MatmulVerdictCache = .standard(),
                              threads: Int = BLAS.threads,
                              inherited: String? = ProcessInfo.processInfo.environment[inheritedVariable],
                              measure: (Int) -> MatmulRates = { MatmulRates.measureBoth(threads: $0) },
                              warn: (String) -> Void) throws -> MatmulSelection {
        let request = try text.map(MatmulBackend.Request.init(parsing:)) ?? .auto
        if request == .auto, !recheck, let parent = inherited.flatMap(parseInherited) {
            let check = parent.backend == .onednn ? cache.onednnCheck(threads: threads) : nil
            if let check, !check.passed {
                warn("qlab: oneDNN failed its numerical self-check (\(check.worstCase)); using OpenBLAS")
                return MatmulSelection(backend: .openblas, request: request, reason: "auto: oneDNN failed its self-check",
                                       onednnCheck: check, rates: parent.rates)
            }
            return MatmulSelection(backend: parent.backend, request: request, reason: parent.reason, onednnCheck: check,
                                   rates: parent.rates)
        }
        let selection: MatmulSelection
        switch request {
        case .backend(.openblas):
            selection = MatmulSelection(backend: .openblas, request: request, reason: "asked for", onednnCheck: nil, rates: nil)
        case .backend(.onednn):
            let check = cache.onednnCheck(recheck: recheck, threads: threads)
            if !check.passed {
                warn("qlab: warning: oneDNN failed its numerical self-check (\(check.worstCase): error \(String(format: "%.3g", check.worstRatio))× the bound); results may be wrong")
            }
            selection = MatmulSelection(backend: .onednn, request: request, reason: "asked for", onednnCheck: check, rates: nil)
        case .auto:
            let check = cache.onednnCheck(recheck: recheck, threads: threads)
            let rates = check.passed ? cache.rates(recheck: recheck, threads: threads, measure: measure) : nil
            let (backend, reason) = MatmulChoice.decide(onednnCheck: check, rates: rates)
            if !check.passed {
                warn("qlab: oneDNN failed its numerical self-check (\(check.worstCase)); using OpenBLAS")
            }
            selection = MatmulSelection(backend: backend, request: request, reason: reason, onednnCheck: check, rates: rates)
        }
        return selection
    }
}

/// GEMM rates of both backends at training shapes, on this machine and thread count.
public struct MatmulRates: Sendable, Equatable, Codable {
    /// GFLOP/s of OpenBLAS's SGEMM (the kernel loaded).
    public var openblas: Double
    /// GFLOP/s of oneDNN's float32 matmul.
    public var onednn: Double
    /// Threads they were measured on.
    public var threads: Int
    /// The share of `threads` cores the process had while the products ran: its CPU time over the products'
    /// wall time × `threads`. Near 1 on a quiet machine; well under 1 when other work held the cores, so that
    /// neither rate is what this machine does (nil: not recorded, as in caches written before it was).
    public var share: Double?

    public init(openblas: Double, onednn: Double, threads: Int, share: Double? = nil) {
        self.openblas = openblas
        self.onednn = onednn
        self.threads = threads
        self.share = share
    }

    /// Below this share of the cores a measurement is not cached (`MatmulVerdictCache.rates`).
    public static let quietShare = 0.8

    /// Whether the measurement had the cores to itself (an unrecorded share counts as quiet).
    public var measuredQuietly: Bool { (share ?? 1) >= Self.quietShare }

    /// `share` from the process CPU time and wall time spent in the products, at `threads` threads.
    public static func share(cpuSeconds: Double, wallSeconds: Double, threads: Int) -> Double {
        guard wallSeconds > 0, threads > 0 else { return 0 }
        return cpuSeconds / (wallSeconds * Double(threads))
    }

    /// The shapes (m, n, k, transposeA, transposeB) of a 4 × 256-token step of a SmolLM2-sized layer: the frozen
    /// forward (x·Wᵀ), the input gradient (dY·W) and a weight-shaped product (Xᵀ·dY).
    public static let shapes: [(Int, Int, Int, Bool, Bool)] = [
        (1_024, 1_536, 576, false, true), (1_024, 576, 1_536, false, false), (576, 1_536, 1_024, true, false),
    ]

    /// Measures both backends at `shapes`, interleaved (each round runs one backend and then the other, the
    /// order alternating), so that load that comes and goes falls on both alike: the best of `repeats` runs per
    /// shape and backend after one warm-up, as GFLOP/s over all shapes, with the share of the cores the process
    /// had while they ran. (Used by `auto`; never by tests, whose results must not depend on time.)
    public static func measureBoth(threads: Int = BLAS.threads, shapes: [(Int, Int, Int, Bool, Bool)] = shapes,
                                   repeats: Int = 3) -> MatmulRates {
        let (rates, share) = measure([.openblas, .onednn], threads: threads, shapes: shapes, repeats: repeats)
        return MatmulRates(openblas: rates[0], onednn: rates[1], threads: threads, share: share)
    }

    /// One backend's rate at `shapes` (GFLOP/s), measured as `measureBoth` measures (for the benchmarks).
    public static func measure(_ backend: MatmulBackend, shapes: [(Int, Int, Int, Bool, Bool)] = shapes,
                               repeats: Int = 3) -> Double {
        measure([backend], threads: BLAS.threads, shapes: shapes, repeats: repeats).rates[0]
    }

    /// GFLOP/s of each of `backends` at `shapes`, interleaved, and the share of the cores the process had.
    static func measure(_ backends: [MatmulBackend], threads: Int, shapes: [(Int, Int, Int, Bool, Bool)],
                        repeats: Int) -> (rates: [Double], share: Double) {
        var flops = 0.0
        var seconds = [Double](repeating: 0, count: backends.count)
        var wall = 0.0, cpu = 0.0
        var rng = SeededGenerator(seed: 0x4d_41_54)
        for (m, n, k, ta, tb) in shapes {
            let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &rng) }
            let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &rng) }
            var c = [Float](repeating: 0, count: m * n)
            var best = [Double](repeating: .infinity, count: backends.count)
            for round in 0...repeats {
                for turn in 0..<backends.count {
                    let index = (turn + round) % backends.count
                    let cpuStart = processCPUSeconds()
                    let start = DispatchTime.now().uptimeNanoseconds
                    a.withUnsafeBufferPointer { pa in
                        b.withUnsafeBufferPointer { pb in
                            c.withUnsafeMutableBufferPointer { pc in
                                backends[index].sgemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, a: pa.baseAddress!,
                                                      lda: ta ? m : k, b: pb.baseAddress!, ldb: tb ? k : n,
                                                      c: pc.baseAddress!, ldc: n)
                            }
                        }
                    }
                    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    if round > 0 {
                        best[index] = min(best[index], elapsed)
                        wall += elapsed
                        cpu += processCPUSeconds() - cpuStart
                    }
                }
            }
            flops += 2 * Double(m) * Double(n) * Double(k)
            for i in backends.indices { seconds[i] += best[i] }
        }
        return (seconds.map { flops / $0 / 1e9 }, share(cpuSeconds: cpu, wallSeconds: wall, threads: threads))
    }

    /// CPU time of the whole process (every thread), in seconds.
    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

/// The `auto` decision from oneDNN's self-check and the measured rates: a pure function, tested without timing.
public enum MatmulChoice {
    /// oneDNN must beat OpenBLAS by this factor to be chosen: a tie keeps the reference.
    public static let margin = 1.05

    public static func decide(onednnCheck: BLASSelfCheck.Result, rates: MatmulRates?) -> (MatmulBackend, String) {
        guard onednnCheck.passed else { return (.openblas, "auto: oneDNN failed its self-check") }
        guard let rates else { return (.openblas, "auto: no measurement of the backends") }
        let figures = String(format: "%.0f vs %.0f GFLOP/s at %d thread%@", rates.onednn, rates.openblas, rates.threads,
                             rates.threads == 1 ? "" : "s")
        guard rates.onednn.isFinite, rates.openblas.isFinite else { return (.openblas, "auto: a measurement failed") }
        let loaded = rates.measuredQuietly ? "" : String(
            format: "; measured while other work held the cores (%.0f%% of them ours), so not cached", 100 * (rates.share ?? 0))
        if rates.onednn > margin * rates.openblas { return (.onednn, "auto: oneDNN faster here, \(figures)\(loaded)") }
        return (.openblas, "auto: oneDNN not faster here, \(figures)\(loaded)")
    }
}

/// oneDNN's self-check verdict and the backends' measured rates, per machine, in `matmul-backends.json` beside the
/// BLAS kernel verdicts: checked and measured once, not at every start.
///
/// The key names the host, the processor, OpenBLAS's build and kernel, oneDNN's version and instruction set, and
/// the thread count: a change of any of them measures again.
public struct MatmulVerdictCache: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> MatmulVerdictCache {
        MatmulVerdictCache(directory: CacheDirectory.path(environment: environment))
    }

    public var path: String { directory + "/matmul-backends.json" }

    /// The entry of this machine at `threads` threads.
    public func key(threads: Int) -> String {
        let f = CPUFeatures.current
        return "\(ProcessInfo.processInfo.hostName) | \(f.vendor) \(f.family)/\(f.modelNumber) \(f.model) | "
            + "\(BLAS.configuration) \(BLAS.coreName) | oneDNN \(OneDNN.version) \(OneDNN.isa) | \(threads) threads"
    }

    struct Entry: Codable {
        var check: BLASSelfCheck.Result?
        var rates: MatmulRates?
        var at: String
    }

    private func load() -> [String: Entry] {
        guard let data = FileManager.default.contents(atPath: path),
              let entries = try? JSONDecoder().decode([String: Entry].self, from: data) else { return [:] }
        return entries
    }

    private func update(_ key: String, _ change: (inout Entry) -> Void) {
        var entries = load()
        var entry = entries[key] ?? Entry(check: nil, rates: nil, at: "")
        change(&entry)
        entry.at = ISO8601DateFormatter().string(from: Date())
        if let check = entry.check, !check.worstRatio.isFinite { entry.check?.worstRatio = 1e300 }
        entries[key] = entry
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(entries) else { return }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? AtomicFile.write(Array(data), to: path)
    }

    /// oneDNN's self-check: cached, or run now (and cached).
    public func onednnCheck(recheck: Bool = false, threads: Int = BLAS.threads) -> BLASSelfCheck.Result {
        let key = self.key(threads: threads)
        if !recheck, let cached = load()[key]?.check { return cached }
        let result = BLASSelfCheck.run(threads: threads, product: MatmulBackend.onednn.product)
        update(key) { $0.check = result }
        return result
    }

    /// The backends' rates: cached, or measured now by `measure` (both backends interleaved, at `threads`).
    /// A measurement made while other work held the cores (`MatmulRates.measuredQuietly` false) decides for this
    /// process only and is not cached, so that the next start measures again rather than keep a verdict of a
    /// loaded machine.
    public func rates(recheck: Bool = false, threads: Int = BLAS.threads,
                      measure: (Int) -> MatmulRates = { MatmulRates.measureBoth(threads: $0) }) -> MatmulRates {
        let key = self.key(threads: threads)
        if !recheck, let cached = load()[key]?.rates { return cached }
        let rates = measure(threads)
        if rates.measuredQuietly { update(key) { $0.rates = rates } }
        return rates
    }
}
