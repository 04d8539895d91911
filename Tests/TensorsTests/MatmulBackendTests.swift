import Foundation
import Synchronization
import Testing
@testable import Tensors

/// The oneDNN backend against float64 sums, its primitive cache, and the backend choice (a pure function of the
/// self-check and the measured rates, so no test depends on which backend is faster on the machine at hand).
struct MatmulBackendTests {
    /// oneDNN alone through the self-check's products (every shape, transpose, α and β) at the thread count in use.
    /// (BLASSelfCheck.run itself, which changes the process's thread count, runs in the CLI tests' processes.)
    @Test func oneDNNPassesTheSelfCheckProducts() {
        var rng = SeededGenerator(seed: 0x51_4c_41_42)
        for (m, n, k) in BLASSelfCheck.shapes {
            for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
                for (alpha, beta) in [(Float(1), Float(0)), (Float(0.5), Float(-0.75))] {
                    let ratio = BLASSelfCheck.gemmError(m: m, n: n, k: k, transposeA: ta, transposeB: tb, alpha: alpha, beta: beta,
                                                        product: MatmulBackend.onednn.product, rng: &rng)
                    #expect(ratio <= 1, "\(ta ? "T" : "N")\(tb ? "T" : "N") \(m)×\(n)×\(k) α=\(alpha) β=\(beta): \(ratio)× the bound")
                }
            }
        }
    }

    /// Both backends at a training shape with padded strides, every transpose, α and β, held against float64.
    @Test(arguments: MatmulBackend.allCases)
    func bothBackendsMatchFloat64(backend: MatmulBackend) {
        var rng = SeededGenerator(seed: 7)
        for (m, n, k) in [(256, 192, 96), (33, 1_031, 17)] {
            for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
                let ratio = BLASSelfCheck.gemmError(m: m, n: n, k: k, transposeA: ta, transposeB: tb, alpha: 0.25,
                                                    beta: 1, product: backend.product, rng: &rng)
                #expect(ratio <= 1, "\(backend) \(ta ? "T" : "N")\(tb ? "T" : "N") \(m)×\(n)×\(k): \(ratio)× the bound")
            }
        }
    }

    /// A oneDNN set-up that forgot α (the output scale) fails the same check.
    @Test func theCheckCatchesAForgottenScale() {
        let withoutAlpha: BLASSelfCheck.Product = { ta, tb, m, n, k, _, a, lda, b, ldb, beta, c, ldc in
            OneDNN.sgemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
                         b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
        var rng = SeededGenerator(seed: 17)
        let ratio = BLASSelfCheck.gemmError(m: 67, n: 45, k: 131, transposeA: false, transposeB: true, alpha: 0.5, beta: -0.75,
                                            product: withoutAlpha, rng: &rng)
        #expect(ratio > 1)
    }

    /// One primitive per shape: the same product again reuses it, a new shape adds one; and products on several
    /// threads at once (each with its own scratchpad) stay right.
    @Test func primitivesAreCachedAndSharedAcrossThreads() {
        let (m, n, k) = (97, 131, 61)
        var rng = SeededGenerator(seed: 11)
        let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &rng) }
        let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &rng) }
        var sums = [Double](repeating: 0, count: m * n), magnitudes = sums
        for i in 0..<m {
            for j in 0..<n {
                for p in 0..<k {
                    let t = Double(a[i * k + p]) * Double(b[p * n + j])
                    sums[i * n + j] += t
                    magnitudes[i * n + j] += abs(t)
                }
            }
        }
        let reference = sums, magnitude = magnitudes
        @Sendable func product() -> [Float] {
            var c = [Float](repeating: .nan, count: m * n)
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        OneDNN.sgemm(transposeA: false, transposeB: false, m: m, n: n, k: k, a: pa.baseAddress!, lda: k,
                                     b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n)
                    }
                }
            }
            return c
        }
        @Sendable func worst(_ c: [Float]) -> Double {
            var w = 0.0
            for i in 0..<(m * n) {
                let bound = 2 * Double(k + 2) * Double(Float.ulpOfOne) * magnitude[i] + Double(Float.leastNormalMagnitude)
                let r = abs(Double(c[i]) - reference[i]) / bound
                if !(r <= w) { w = r.isNaN ? .infinity : r }
            }
            return w
        }
        #expect(worst(product()) <= 1)
        // Other tests add primitives concurrently; the key of this one must be in the cache after the first call.
        let key = OneDNN.PrimitiveKey(transposeA: false, transposeB: false, m: m, n: n, k: k, lda: k, ldb: n, ldc: n,
                                      alpha: Float(1).bitPattern, beta: Float(0).bitPattern, aType: .f32, bType: .f32,
                                      threads: max(1, BLAS.threads))
        let first = try? OneDNN.cache.primitive(for: key)
        let again = try? OneDNN.cache.primitive(for: key)
        #expect(first != nil && first === again)

        let results = Mutex([Double]())
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let w = worst(product())
            results.withLock { $0.append(w) }
        }
        let all = results.withLock { $0 }
        #expect(all.count == 8 && all.allSatisfy { $0 <= 1 }, "\(all)")
    }

    /// Under oneDNN a product below `OneDNN.smallestProduct` multiply-adds goes to OpenBLAS (no primitive is made
    /// for it) and one above it to oneDNN; both are right.
    @Test func smallProductsStayWithOpenBLASLargeOnesGoToOneDNN() {
        var rng = SeededGenerator(seed: 13)
        // m·n·k just under and at the threshold (k odd so that no other test uses these keys).
        let k = 37
        let large = max(1, (OneDNN.smallestProduct + k * 64 - 1) / (k * 64))
        var cases: [(m: Int, n: Int, viaOneDNN: Bool)] = [(large, 64, true)]
        if OneDNN.smallestProduct > k * 64 { cases.append(((OneDNN.smallestProduct - 1) / (k * 64), 64, false)) }
        for (m, n, viaOneDNN) in cases where m > 1 {
            // gemmError pads every row by 3. A product large enough is cut by rows (n ≤ m) across the pool, each block
            // on one OpenMP thread: its last block's primitive (whose rows differ between the two cases) is the one to
            // look for.
            let parts = min(max(1, BLAS.threads), m / BLAS.splitAlignment)
            let key = OneDNN.PrimitiveKey(transposeA: false, transposeB: false,
                                          m: parts > 1 ? BLAS.splitRange(m, part: parts - 1, of: parts).count : m, n: n, k: k,
                                          lda: k + 3, ldb: n + 3, ldc: n + 3,
                                          alpha: Float(1).bitPattern, beta: Float(1).bitPattern, aType: .f32, bType: .f32,
                                          threads: parts > 1 ? 1 : max(1, BLAS.threads))
            let ratio = BLASSelfCheck.gemmError(m: m, n: n, k: k, transposeA: false, transposeB: false, alpha: 1, beta: 1,
                                                product: { ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
                                                    MatmulBackend.onednn.sgemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha,
                                                                               a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                                                }, rng: &rng)
            #expect(ratio <= 1, "\(m)×\(n)×\(k): \(ratio)× the bound")
            #expect(OneDNN.cache.contains(key) == viaOneDNN, "\(m)×\(n)×\(k) against \(OneDNN.smallestProduct)")
        }
    }

    @Test func requestsParseAndBadNamesSayWhatIsExpected() throws {
        #expect(try MatmulBackend.Request(parsing: "openblas") == .backend(.openblas))
        #expect(try MatmulBackend.Request(parsing: "oneDNN") == .backend(.onednn))
        #expect(try MatmulBackend.Request(parsing: "AUTO") == .auto)
        do {
            _ = try MatmulBackend.Request(parsing: "foo")
            Issue.record("foo was accepted")
        } catch {
            #expect("\(error)".contains("\"foo\"") && "\(error)".contains("openblas, onednn or auto"), "\(error)")
        }
    }

    static let passed = BLASSelfCheck.Result(passed: true, worstRatio: 0.1, worstCase: "x", threads: [1, 2])
    static let failed = BLASSelfCheck.Result(passed: false, worstRatio: 40, worstCase: "sgemm NT", threads: [1, 2])

    @Test func autoTakesOneDNNOnlyWhenItPassesAndIsClearlyFaster() {
        let fast = MatmulRates(openblas: 200, onednn: 240, threads: 2)
        #expect(MatmulChoice.decide(onednnCheck: Self.passed, rates: fast).0 == .onednn)
        #expect(MatmulChoice.decide(onednnCheck: Self.failed, rates: fast).0 == .openblas)
        #expect(MatmulChoice.decide(onednnCheck: Self.failed, rates: fast).1.contains("self-check"))
        let tie = MatmulRates(openblas: 200, onednn: 205, threads: 2)
        #expect(MatmulChoice.decide(onednnCheck: Self.passed, rates: tie).0 == .openblas)
        let slower = MatmulRates(openblas: 400, onednn: 240, threads: 1)
        #expect(MatmulChoice.decide(onednnCheck: Self.passed, rates: slower).0 == .openblas)
        let broken = MatmulRates(openblas: .nan, onednn: 240, threads: 1)
        #expect(MatmulChoice.decide(onednnCheck: Self.passed, rates: broken).0 == .openblas)
        #expect(MatmulChoice.decide(onednnCheck: Self.passed, rates: nil).0 == .openblas)
    }

    /// `auto` reads the cached verdict of this machine instead of measuring again: planted rates decide, either way.
    @Test(arguments: [MatmulBackend.openblas, .onednn])
    func autoFollowsTheCachedVerdict(winner: MatmulBackend) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-matmul-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = MatmulVerdictCache(directory: dir)
        let rates = winner == .onednn ? MatmulRates(openblas: 1, onednn: 1_000, threads: 2)
                                      : MatmulRates(openblas: 1_000, onednn: 1, threads: 2)
        let entries = [cache.key(threads: 2): MatmulVerdictCache.Entry(check: Self.passed, rates: rates, at: "planted")]
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try JSONEncoder().encode(entries).write(to: URL(fileURLWithPath: cache.path))
        let choice = try MatmulSelection.choose(request: "auto", cache: cache, threads: 2) { _ in }
        #expect(choice.backend == winner)
        #expect(choice.rates == rates)
        // A failed self-check in the cache keeps OpenBLAS whatever the rates, and says so.
        let failedEntries = [cache.key(threads: 2): MatmulVerdictCache.Entry(check: Self.failed, rates: rates, at: "planted")]
        try JSONEncoder().encode(failedEntries).write(to: URL(fileURLWithPath: cache.path))
        var warnings: [String] = []
        let refused = try MatmulSelection.choose(request: "auto", cache: cache, threads: 2) { warnings.append($0) }
        #expect(refused.backend == .openblas)
        #expect(warnings.contains { $0.contains("oneDNN failed its numerical self-check") })
    }

    /// Asking for oneDNN by name uses its cached verdict (running and caching it is the CLI tests' part), warns
    /// when that verdict is a failure, and measures nothing; an unknown name is an error.
    @Test func namingOneDNNUsesTheCachedVerdict() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-matmul-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = MatmulVerdictCache(directory: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for verdict in [Self.passed, Self.failed] {
            let entries = [cache.key(threads: 3): MatmulVerdictCache.Entry(check: verdict, rates: nil, at: "planted")]
            try JSONEncoder().encode(entries).write(to: URL(fileURLWithPath: cache.path))
            var warnings: [String] = []
            let choice = try MatmulSelection.choose(request: "onednn", cache: cache, threads: 3) { warnings.append($0) }
            #expect(choice.backend == .onednn)
            #expect(choice.onednnCheck == verdict)
            #expect(choice.rates == nil)
            #expect(warnings.isEmpty == verdict.passed, "\(warnings)")
            let data = try #require(FileManager.default.contents(atPath: cache.path))
            let stored = try JSONDecoder().decode([String: MatmulVerdictCache.Entry].self, from: data)
            #expect(stored[cache.key(threads: 3)]?.rates == nil)
        }
        #expect(throws: MatmulSelection.SelectionError.self) { try MatmulSelection.choose(request: "mkl", cache: cache, threads: 3) { _ in } }
    }

    /// A measurement made while other work held the cores decides for this process but is not cached, so the next
    /// start measures again; a quiet one is cached and read back without measuring.
    @Test func aMeasurementOfALoadedMachineIsNotCached() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-matmul-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = MatmulVerdictCache(directory: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try JSONEncoder().encode([cache.key(threads: 2): MatmulVerdictCache.Entry(check: Self.passed, rates: nil, at: "planted")])
            .write(to: URL(fileURLWithPath: cache.path))
        #expect(MatmulRates.share(cpuSeconds: 1.9, wallSeconds: 1, threads: 2) == 0.95)
        #expect(MatmulRates.share(cpuSeconds: 1, wallSeconds: 1, threads: 2) == 0.5)
        var measured = 0
        var share = MatmulRates.share(cpuSeconds: 1.1, wallSeconds: 1, threads: 2)
        let measure = { (threads: Int) -> MatmulRates in
            measured += 1
            return MatmulRates(openblas: 30, onednn: 40, threads: threads, share: share)
        }
        let loaded = try MatmulSelection.choose(request: nil, cache: cache, threads: 2, inherited: nil, measure: measure) { _ in }
        #expect(loaded.backend == .onednn)
        #expect(loaded.reason.contains("measured while other work held the cores (55% of them ours), so not cached"), "\(loaded.reason)")
        _ = try MatmulSelection.choose(request: nil, cache: cache, threads: 2, inherited: nil, measure: measure) { _ in }
        #expect(measured == 2)
        share = 0.97
        let quiet = try MatmulSelection.choose(request: nil, cache: cache, threads: 2, inherited: nil, measure: measure) { _ in }
        #expect(!quiet.reason.contains("not cached"), "\(quiet.reason)")
        let again = try MatmulSelection.choose(request: nil, cache: cache, threads: 2, inherited: nil, measure: measure) { _ in }
        #expect(measured == 3)
        #expect(again.rates == MatmulRates(openblas: 30, onednn: 40, threads: 2, share: 0.97))
        // A cache written before the share was recorded still decodes, and counts as quiet.
        let old = #"{"k": {"at": "x", "rates": {"openblas": 1, "onednn": 2, "threads": 2}}}"#
        let decoded = try JSONDecoder().decode([String: MatmulVerdictCache.Entry].self, from: Data(old.utf8))
        #expect(decoded["k"]?.rates?.share == nil && decoded["k"]?.rates?.measuredQuietly == true)
    }

    /// A process started by qlab follows the `auto` verdict its parent passed down (a grid's workers all run the
    /// parent's backend, measuring nothing), unless it asks for a backend or a recheck; a failed oneDNN check still
    /// keeps OpenBLAS.
    @Test func anInheritedVerdictIsFollowedWithoutMeasuring() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-matmul-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = MatmulVerdictCache(directory: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let plant = { (check: BLASSelfCheck.Result) in
            try JSONEncoder().encode([cache.key(threads: 1): MatmulVerdictCache.Entry(check: check, rates: nil, at: "planted")])
                .write(to: URL(fileURLWithPath: cache.path))
        }
        try plant(Self.passed)
        var measured = 0
        let measure = { (threads: Int) -> MatmulRates in
            measured += 1
            return MatmulRates(openblas: 100, onednn: 10, threads: threads, share: 1)
        }
        let parentRates = MatmulRates(openblas: 8, onednn: 9, threads: 2, share: 0.9)
        let parent = MatmulSelection(backend: .onednn, request: .auto, reason: "auto: oneDNN faster here, 9 vs 8 GFLOP/s",
                                     onednnCheck: Self.passed, rates: parentRates)
        let child = try MatmulSelection.choose(request: nil, cache: cache, threads: 1, inherited: parent.inheritedValue,
                                               measure: measure) { _ in }
        #expect(child.backend == .onednn && child.reason == parent.reason && child.request == .auto)
        #expect(child.rates == parentRates)
        let other = MatmulSelection(backend: .openblas, request: .auto, reason: "auto: oneDNN not faster here",
                                    onednnCheck: Self.passed, rates: nil)
        let openblas = try MatmulSelection.choose(request: "auto", cache: cache, threads: 1,
                                                  inherited: other.inheritedValue, measure: measure) { _ in }
        #expect(openblas.backend == .openblas && openblas.reason == "auto: oneDNN not faster here" && openblas.rates == nil)
        #expect(measured == 0)
        // Named backends and rechecks do not inherit; a value naming no backend is ignored.
        let named = try MatmulSelection.choose(request: "openblas", cache: cache, threads: 1, inherited: parent.inheritedValue,
                                               measure: measure) { _ in }
        #expect(named.backend == .openblas && named.reason == "asked for")
        let rechecked = try MatmulSelection.choose(request: nil, recheck: true, cache: cache, threads: 1,
                                                   inherited: parent.inheritedValue, measure: measure) { _ in }
        #expect(measured == 1 && rechecked.backend == .openblas && rechecked.rates != nil)
        let garbage = try MatmulSelection.choose(request: nil, cache: cache, threads: 1, inherited: "mkl: fast",
                                                 measure: measure) { _ in }
        #expect(garbage.backend == .openblas && garbage.rates != nil)
        #expect(MatmulSelection.parseInherited("onednn") == nil)
        #expect(MatmulSelection.parseInherited(#"{"backend": "mkl", "reason": "x"}"#) == nil)
        // oneDNN failing its check (here, planted) is not followed, whoever chose it.
        try plant(Self.failed)
        var warnings: [String] = []
        let refused = try MatmulSelection.choose(request: nil, cache: cache, threads: 1, inherited: parent.inheritedValue,
                                                 measure: measure) { warnings.append($0) }
        #expect(refused.backend == .openblas && warnings.count == 1, "\(warnings)")
    }

    /// oneDNN gets sleeping idle threads, each setting only where nothing is set and only once; OpenBLAS gets nothing.
    @Test func idleThreadSettingsAreMadeOnlyForOneDNNAndOnlyWhereNothingIsSet() {
        let base = ["PATH": "/usr/bin", "OMP_WAIT_POLICY": ""]
        let changed = MatmulSelection.threadEnvironment(backend: .onednn, environment: base)
        #expect(changed?["OMP_WAIT_POLICY"] == "passive")
        #expect(changed?["OPENBLAS_THREAD_TIMEOUT"] == "4")
        #expect(changed?[MatmulSelection.threadWaitSetVariable] == "1")
        #expect(changed?["PATH"] == "/usr/bin")
        #expect(MatmulSelection.threadEnvironment(backend: .openblas, environment: base) == nil)
        let policy = MatmulSelection.threadEnvironment(backend: .onednn, environment: ["OMP_WAIT_POLICY": "active"])
        #expect(policy?["OMP_WAIT_POLICY"] == "active" && policy?["OPENBLAS_THREAD_TIMEOUT"] == "4")
        let spin = MatmulSelection.threadEnvironment(backend: .onednn, environment: ["GOMP_SPINCOUNT": "0"])
        #expect(spin?["OMP_WAIT_POLICY"] == nil && spin?["GOMP_SPINCOUNT"] == "0")
        #expect(MatmulSelection.threadEnvironment(backend: .onednn,
                                                  environment: ["OMP_WAIT_POLICY": "active", "OPENBLAS_THREAD_TIMEOUT": "28"]) == nil)
        // Executed once already: never again, whatever the environment says now.
        #expect(MatmulSelection.threadEnvironment(backend: .onednn, environment: [MatmulSelection.threadWaitSetVariable: "1"]) == nil)
    }
}

/// The kernel a run records says when products were cut into blocks across qlab's threads, whose sums differ from
/// the libraries' own threading: a rerun of an earlier multi-threaded run then compares within tolerance.
struct RecordedKernelTests {
    @Test func multiThreadedRunsRecordTheBlocks() {
        let kernel = MatmulBackend.recordedKernel
        #expect(kernel.hasSuffix(" + qlab blocks") == (BLAS.threads > 1), "\(kernel) at \(BLAS.threads) threads")
        #expect(kernel.contains(BLAS.coreName))
    }
}
