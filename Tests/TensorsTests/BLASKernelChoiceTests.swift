import Testing
@testable import Tensors

/// The kernel decision from processor features, the loaded kernel and the environment.
struct BLASKernelChoiceTests {
    /// An Intel Xeon of the Sapphire/Emerald Rapids kind: AVX-512 with BF16.
    static var xeon: CPUFeatures {
        var f = CPUFeatures()
        f.sse3 = true; f.ssse3 = true; f.sse41 = true; f.sse42 = true; f.avx = true; f.avx2 = true; f.fma = true
        f.avx512f = true; f.avx512bw = true; f.avx512vl = true; f.avx512dq = true; f.avx512cd = true; f.avx512bf16 = true
        return f
    }

    /// AVX2 + FMA, no AVX-512.
    static var avx2Only: CPUFeatures {
        var f = xeon
        f.avx512f = false; f.avx512bw = false; f.avx512vl = false; f.avx512dq = false; f.avx512cd = false; f.avx512bf16 = false
        return f
    }

    @Test func candidatesFollowTheFeatures() {
        #expect(BLASKernelChoice.candidates(for: Self.xeon) == ["SkylakeX", "Cooperlake", "Haswell", "Sandybridge", "Nehalem", "Core2", "Prescott"])
        var noBF16 = Self.xeon
        noBF16.avx512bf16 = false
        #expect(BLASKernelChoice.candidates(for: noBF16).prefix(2) == ["SkylakeX", "Haswell"])
        #expect(BLASKernelChoice.candidates(for: Self.avx2Only).first == "Haswell")
        var partial = Self.xeon
        partial.avx512vl = false  // AVX-512 F without VL is not enough for SkylakeX's kernels
        #expect(BLASKernelChoice.candidates(for: partial).first == "Haswell")
        #expect(BLASKernelChoice.candidates(for: CPUFeatures()).isEmpty)
    }

    @Test func aFallbackKernelIsReplacedByTheBest() {
        let d = BLASKernelChoice.decide(.init(features: Self.xeon, loaded: "Prescott"))
        #expect(d == .reexecute(core: "SkylakeX", source: .automatic(openblasChoice: "Prescott")))
        let onAVX2 = BLASKernelChoice.decide(.init(features: Self.avx2Only, loaded: "Prescott"))
        #expect(onAVX2 == .reexecute(core: "Haswell", source: .automatic(openblasChoice: "Prescott")))
        // An AVX-512 processor that this OpenBLAS knows only as an AVX2 one.
        let older = BLASKernelChoice.decide(.init(features: Self.xeon, loaded: "Haswell"))
        #expect(older == .reexecute(core: "SkylakeX", source: .automatic(openblasChoice: "Haswell")))
    }

    /// One row of the decision table: a processor as CPUID describes it, what OpenBLAS loaded, the environment.
    struct Row: CustomStringConvertible {
        var machine: String
        var features: CPUFeatures
        var loaded: String
        var environmentCore: String? = nil
        var setByQlab: String? = nil
        var failed: [String] = []
        var openblasChoice: String? = nil
        var expected: BLASKernelChoice.Decision
        var description: String { machine }
    }

    static func processor(_ base: CPUFeatures, vendor: String, family: Int, model: Int) -> CPUFeatures {
        var f = base
        f.vendor = vendor; f.family = family; f.modelNumber = model
        return f
    }

    /// The machines of our kind, as seen (`../shared/reference/platform.md`): the rule must hold for each, and no
    /// test may assume the machine it runs on.
    static let table: [Row] = {
        let zen5 = processor(xeon, vendor: "AuthenticAMD", family: 26, model: 2)   // AVX-512 F/BW/VL/DQ/CD + BF16
        let emerald = processor(xeon, vendor: "GenuineIntel", family: 6, model: 207)
        let zen3 = processor(avx2Only, vendor: "AuthenticAMD", family: 25, model: 1)  // AVX2 + FMA, no AVX-512
        return [
            // Zen 5, nothing set: Debian's OpenBLAS 0.3.21 knows it as Cooperlake, which ranks with SkylakeX: kept.
            Row(machine: "Zen 5, nothing set", features: zen5, loaded: "Cooperlake",
                expected: .use(core: "Cooperlake", source: .openblas, mustPass: true)),
            // Zen 5 as these machines come: the environment sets Haswell, and a set value is respected.
            Row(machine: "Zen 5, OPENBLAS_CORETYPE=Haswell", features: zen5, loaded: "Haswell", environmentCore: "Haswell",
                expected: .use(core: "Haswell", source: .environment, mustPass: false)),
            // Zen 5 whose Cooperlake failed its self-check: SkylakeX is the next candidate not failed.
            Row(machine: "Zen 5, Cooperlake failed", features: zen5, loaded: "Cooperlake", failed: ["Cooperlake"],
                expected: .reexecute(core: "SkylakeX", source: .automatic(openblasChoice: "Cooperlake"))),
            // Intel Emerald Rapids, nothing set: OpenBLAS falls back to Prescott; qlab moves to SkylakeX.
            Row(machine: "Emerald Rapids, nothing set", features: emerald, loaded: "Prescott",
                expected: .reexecute(core: "SkylakeX", source: .automatic(openblasChoice: "Prescott"))),
            // ... and after executing itself again with SkylakeX set.
            Row(machine: "Emerald Rapids, re-executed", features: emerald, loaded: "SkylakeX", environmentCore: "SkylakeX",
                setByQlab: "SkylakeX", openblasChoice: "Prescott",
                expected: .use(core: "SkylakeX", source: .automatic(openblasChoice: "Prescott"), mustPass: true)),
            // Zen 3 (family 25 model 1), nothing set: Debian's OpenBLAS 0.3.21 loads its "Zen" kernel, a name
            // outside the ranking, trusted as OpenBLAS's knowledge of the processor.
            Row(machine: "Zen 3, nothing set", features: zen3, loaded: "Zen",
                expected: .use(core: "Zen", source: .openblas, mustPass: true)),
            // Zen 3 with Haswell set by the environment, as the Zen 5 machines come: respected.
            Row(machine: "Zen 3, OPENBLAS_CORETYPE=Haswell", features: zen3, loaded: "Haswell", environmentCore: "Haswell",
                expected: .use(core: "Haswell", source: .environment, mustPass: false)),
            // A Slurm task on a Zen 3 node inheriting the SkylakeX that qlab set on an Intel login node (where
            // OpenBLAS alone had picked Prescott): back to OpenBLAS's own choice on this node.
            Row(machine: "Zen 3, SkylakeX inherited from qlab", features: zen3, loaded: "SkylakeX", environmentCore: "SkylakeX",
                setByQlab: "SkylakeX", openblasChoice: "Zen",
                expected: .reexecute(core: nil, source: .openblas)),
            Row(machine: "AVX2 node, SkylakeX inherited, OpenBLAS's own Haswell", features: zen3, loaded: "SkylakeX",
                environmentCore: "SkylakeX", setByQlab: "SkylakeX", openblasChoice: "Haswell",
                expected: .reexecute(core: nil, source: .openblas)),
        ]
    }()

    @Test(arguments: table) func theDecisionTable(_ row: Row) {
        let d = BLASKernelChoice.decide(.init(features: row.features, loaded: row.loaded, environmentCore: row.environmentCore,
                                              setByQlab: row.setByQlab, failed: row.failed, openblasChoice: row.openblasChoice))
        #expect(d == row.expected, "\(row.machine)")
    }

    @Test func afterExecutingAgainTheChosenKernelIsUsedAndMustPass() {
        let d = BLASKernelChoice.decide(.init(features: Self.xeon, loaded: "SkylakeX", environmentCore: "SkylakeX",
                                              setByQlab: "SkylakeX", openblasChoice: "Prescott"))
        #expect(d == .use(core: "SkylakeX", source: .automatic(openblasChoice: "Prescott"), mustPass: true))
    }

    @Test func aSetEnvironmentIsRespected() {
        let d = BLASKernelChoice.decide(.init(features: Self.xeon, loaded: "Haswell", environmentCore: "Haswell"))
        #expect(d == .use(core: "Haswell", source: .environment, mustPass: false))
        // Even a value older than the CPU runs, when the user set it.
        let old = BLASKernelChoice.decide(.init(features: Self.xeon, loaded: "Prescott", environmentCore: "Prescott"))
        #expect(old == .use(core: "Prescott", source: .environment, mustPass: false))
    }

    @Test func aValueQlabSetIsDecidedAgainOnAnotherProcessor() {
        // A Slurm task inherits OPENBLAS_CORETYPE=SkylakeX from a login node with AVX-512, on a node without it.
        let d = BLASKernelChoice.decide(.init(features: Self.avx2Only, loaded: "SkylakeX", environmentCore: "SkylakeX",
                                              setByQlab: "SkylakeX", openblasChoice: "Prescott"))
        #expect(d == .reexecute(core: "Haswell", source: .automatic(openblasChoice: "Prescott")))
    }

    @Test func aFailedKernelIsSkippedForTheNext() {
        let d = BLASKernelChoice.decide(.init(features: Self.xeon, loaded: "SkylakeX", environmentCore: "SkylakeX",
                                              setByQlab: "SkylakeX", failed: ["SkylakeX"], openblasChoice: "Prescott"))
        #expect(d == .reexecute(core: "Cooperlake", source: .automatic(openblasChoice: "Prescott")))
        let two = BLASKernelChoice.decide(.init(features: Self.xeon, loaded: "Cooperlake", environmentCore: "Cooperlake",
                                                setByQlab: "Cooperlake", failed: ["SkylakeX", "Cooperlake"], openblasChoice: "Prescott"))
        #expect(two == .reexecute(core: "Haswell", source: .automatic(openblasChoice: "Prescott")))
        // Everything down to OpenBLAS's own choice failed: back to it, with OPENBLAS_CORETYPE unset.
        let back = BLASKernelChoice.decide(.init(features: Self.xeon, loaded: "Core2", environmentCore: "Core2", setByQlab: "Core2",
                                                 failed: ["SkylakeX", "Cooperlake", "Haswell", "Sandybridge", "Nehalem", "Core2"],
                                                 openblasChoice: "Prescott"))
        #expect(back == .reexecute(core: nil, source: .openblas))
        // Nothing left: keep what is loaded, without insisting on the check.
        let none = BLASKernelChoice.decide(.init(features: Self.avx2Only, loaded: "Prescott",
                                                 failed: ["Haswell", "Sandybridge", "Nehalem", "Core2", "Prescott"]))
        #expect(none == .use(core: "Prescott", source: .openblas, mustPass: false))
    }

    @Test func aKernelOpenBLASDidNotLoadIsRejected() {
        let d = BLASKernelChoice.decide(.init(features: Self.xeon, loaded: "Prescott", environmentCore: "SkylakeX",
                                              setByQlab: "SkylakeX", openblasChoice: "Prescott"))
        #expect(d == .rejected(core: "SkylakeX", loaded: "Prescott"))
    }

    @Test func anUnknownLoadedKernelIsTrusted() {
        // A newer OpenBLAS that knows this processor by a name the list lacks.
        let d = BLASKernelChoice.decide(.init(features: Self.xeon, loaded: "SapphireRapids"))
        #expect(d == .use(core: "SapphireRapids", source: .openblas, mustPass: true))
    }

    @Test func overrides() {
        #expect(BLASKernelChoice.decide(.init(features: Self.xeon, loaded: "Prescott", override: "Haswell"))
                == .reexecute(core: "Haswell", source: .override))
        #expect(BLASKernelChoice.decide(.init(features: Self.xeon, loaded: "Haswell", environmentCore: "Haswell", setByQlab: "Haswell", override: "haswell"))
                == .use(core: "Haswell", source: .override, mustPass: false))
        // The override wins over a user's OPENBLAS_CORETYPE: it is the more specific request.
        #expect(BLASKernelChoice.decide(.init(features: Self.xeon, loaded: "Haswell", environmentCore: "Haswell", override: "SkylakeX"))
                == .reexecute(core: "SkylakeX", source: .override))
        #expect(BLASKernelChoice.decide(.init(features: Self.xeon, loaded: "Prescott", override: "default"))
                == .use(core: "Prescott", source: .openblas, mustPass: false))
        #expect(BLASKernelChoice.decide(.init(features: Self.xeon, loaded: "SkylakeX", environmentCore: "SkylakeX", setByQlab: "SkylakeX", override: "default"))
                == .reexecute(core: nil, source: .openblas))
        #expect(BLASKernelChoice.decide(.init(features: Self.xeon, loaded: "Prescott", override: "auto"))
                == .reexecute(core: "SkylakeX", source: .automatic(openblasChoice: "Prescott")))
        #expect(BLASKernelChoice.decide(.init(features: Self.xeon, loaded: "Prescott", environmentCore: "Bogus", setByQlab: "Bogus", override: "Bogus"))
                == .rejected(core: "Bogus", loaded: "Prescott"))
    }

    /// At the thread count in use: this process runs other suites at once, and changing OpenBLAS's thread count
    /// under them would change their bits (the check at 1 thread and at all runs in `qlab blas --recheck`, in a
    /// process of its own: `BLASKernelCommandTests`).
    @Test func theSelfCheckPassesOnTheLoadedKernel() {
        let before = BLAS.threads
        let result = BLASSelfCheck.run(threadCounts: [], product: BLASSelfCheck.loadedProduct)
        #expect(result.passed, "\(result)")
        #expect(result.worstRatio < 0.5)
        #expect(result.threads == [before] && BLAS.threads == before)
    }

    /// A product that is wrong in a way a broken kernel would be — one term of the dot product dropped in one
    /// element, or float16-like rounding of the result — must fail the check.
    @Test func theSelfCheckCatchesWrongProducts() {
        let droppedTerm: BLASSelfCheck.Product = { ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
            BLASSelfCheck.loadedProduct(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            guard m > 3, n > 2, k > 4 else { return }
            let x = ta ? a[4 * lda + 3] : a[3 * lda + 4]
            let y = tb ? b[2 * ldb + 4] : b[4 * ldb + 2]
            c[3 * ldc + 2] -= alpha * x * y
        }
        let dropped = BLASSelfCheck.run(threadCounts: [], product: droppedTerm)
        #expect(!dropped.passed)
        #expect(dropped.worstCase.hasPrefix("sgemm"))
        let halfPrecision: BLASSelfCheck.Product = { ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
            BLASSelfCheck.loadedProduct(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = Float(Float16(c[i * ldc + j])) } }
        }
        #expect(!BLASSelfCheck.run(threadCounts: [], product: halfPrecision).passed)
        let nan: BLASSelfCheck.Product = { ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
            BLASSelfCheck.loadedProduct(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            if m > 100 { c[0] = .nan }
        }
        let withNaN = BLASSelfCheck.run(threadCounts: [], product: nan)
        #expect(!withNaN.passed)
        #expect(withNaN.worstRatio == .infinity)
    }
}
