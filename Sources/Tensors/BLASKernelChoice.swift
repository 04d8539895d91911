/// Which OpenBLAS kernel family a process should run, decided from the processor, the kernel OpenBLAS loaded and
/// the environment — a pure function, so that every case can be tested without the processor at hand.
///
/// OpenBLAS reads `OPENBLAS_CORETYPE` only when it loads, so a different kernel means executing the program again
/// with the variable set; the decision says when to do that.
public enum BLASKernelChoice {
    /// Kernel families of OpenBLAS's x86-64 dynamic build (0.3.21 accepts these names), oldest first.
    public static let ranked = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Sandybridge", "Haswell", "SkylakeX", "Cooperlake"]

    /// The kernels this processor runs, best first for float32 products.
    ///
    /// SkylakeX comes before Cooperlake: Cooperlake only adds bfloat16 kernels, and its float32 SGEMM is the same,
    /// so on a BF16 machine it is the fallback, not the first choice.
    public static func candidates(for f: CPUFeatures) -> [String] {
        var list: [String] = []
        if f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq && f.avx512cd && f.avx2 && f.fma {
            list.append("SkylakeX")
            if f.avx512bf16 { list.append("Cooperlake") }
        }
        if f.avx2 && f.fma { list.append("Haswell") }
        if f.avx { list.append("Sandybridge") }
        if f.sse42 { list.append("Nehalem") }
        if f.ssse3 { list.append("Core2") }
        if f.sse3 { list.append("Prescott") }
        return list
    }

    /// How the kernel in use came to be chosen.
    public enum Source: Equatable, Sendable {
        /// `OPENBLAS_CORETYPE` was set by the user or the environment: respected as is.
        case environment
        /// Named by `QLAB_BLAS_CORE` or `--blas-core`.
        case override
        /// Chosen here because OpenBLAS's own choice (`openblasChoice`) was older than what the processor runs.
        case automatic(openblasChoice: String)
        /// OpenBLAS's own choice, kept.
        case openblas
    }

    /// What the process should do.
    public enum Decision: Equatable, Sendable {
        /// Run with the kernel that is loaded, once it passes the self-check (`mustPass`: a failure moves on to the
        /// next candidate rather than being reported and kept).
        case use(core: String, source: Source, mustPass: Bool)
        /// Execute again with `OPENBLAS_CORETYPE` set to `core` (nil: unset, OpenBLAS's own detection).
        case reexecute(core: String?, source: Source)
        /// Named kernel that OpenBLAS did not load when asked to.
        case rejected(core: String, loaded: String)
    }

    /// What the decision is made from.
    public struct Inputs: Equatable, Sendable {
        public var features: CPUFeatures
        /// `openblas_get_corename()` of the library as loaded.
        public var loaded: String
        /// `OPENBLAS_CORETYPE` in the environment, if set and not empty.
        public var environmentCore: String?
        /// The value qlab itself put in `OPENBLAS_CORETYPE` before executing again (`QLAB_BLAS_AUTO`); a variable
        /// equal to it is ours, not the user's, and is decided again (a Slurm task may land on another processor).
        public var setByQlab: String?
        /// `QLAB_BLAS_CORE` or `--blas-core`: a core name, "auto" or "default".
        public var override: String?
        /// Kernels that failed the self-check in this chain of executions.
        public var failed: [String]
        /// The kernel OpenBLAS picked on its own, before qlab set anything (`QLAB_BLAS_DEFAULT`).
        public var openblasChoice: String?

        public init(features: CPUFeatures, loaded: String, environmentCore: String? = nil, setByQlab: String? = nil,
                    override: String? = nil, failed: [String] = [], openblasChoice: String? = nil) {
            self.features = features
            self.loaded = loaded
            self.environmentCore = environmentCore
            self.setByQlab = setByQlab
            self.override = override
            self.failed = failed
            self.openblasChoice = openblasChoice
        }
    }

    static func rank(_ core: String) -> Int? {
        ranked.firstIndex { $0.caseInsensitiveCompare(core) == .orderedSame }
    }

    static func same(_ a: String, _ b: String) -> Bool { a.caseInsensitiveCompare(b) == .orderedSame }

    /// The decision for `inputs`.
    public static func decide(_ inputs: Inputs) -> Decision {
        let loaded = inputs.loaded
        let ours = inputs.environmentCore != nil && inputs.setByQlab.map { same($0, inputs.environmentCore!) } == true
        let override = inputs.override.flatMap { $0.isEmpty || same($0, "auto") ? nil : $0 }

        if let wanted = override {
            if same(wanted, "default") {
                // OpenBLAS's own detection: undo a value qlab set, never one the user set.
                if ours { return .reexecute(core: nil, source: .openblas) }
                return .use(core: loaded, source: inputs.environmentCore == nil ? .openblas : .environment, mustPass: false)
            }
            if same(wanted, loaded) { return .use(core: loaded, source: .override, mustPass: false) }
            if ours, let env = inputs.environmentCore, same(env, wanted) { return .rejected(core: wanted, loaded: loaded) }
            return .reexecute(core: wanted, source: .override)
        }
        if inputs.environmentCore != nil, !ours {
            return .use(core: loaded, source: .environment, mustPass: false)
        }
        // Automatic: the best candidate the processor runs that has not failed.
        if ours, let asked = inputs.environmentCore, !same(asked, loaded), !inputs.failed.contains(where: { same($0, asked) }) {
            return .rejected(core: asked, loaded: loaded)
        }
        let original = inputs.openblasChoice ?? loaded
        let source: Source = same(original, loaded) ? .openblas : .automatic(openblasChoice: original)
        let failed = inputs.failed
        let isFailed = { (core: String) in failed.contains { same($0, core) } }
        guard let loadedRank = rank(loaded) else {
            // A kernel this list does not know (a newer OpenBLAS, another architecture): OpenBLAS's own detection
            // knows the processor better than this list does.
            if !isFailed(loaded) { return .use(core: loaded, source: source, mustPass: true) }
            if let next = candidates(for: inputs.features).first(where: { !isFailed($0) }) {
                return .reexecute(core: next, source: .automatic(openblasChoice: original))
            }
            return .use(core: loaded, source: source, mustPass: false)
        }
        let remaining = candidates(for: inputs.features).filter { !isFailed($0) }
        guard let best = remaining.first else {
            return .use(core: loaded, source: source, mustPass: false)
        }
        // The loaded kernel stays if it is at least as good as the best remaining one and this processor runs it
        // (a value inherited from another machine may name one it does not).
        let runnable = candidates(for: inputs.features).contains { same($0, loaded) }
        if !isFailed(loaded), runnable, let bestRank = rank(best), loadedRank >= bestRank {
            return .use(core: loaded, source: source, mustPass: true)
        }
        if same(best, original) && ours { return .reexecute(core: nil, source: .openblas) }
        // OpenBLAS's own choice was a kernel this list does not rank (its "Zen" on a Zen 3): trusted as above, so
        // a value qlab set that does not fit this processor goes back to it rather than to a ranked guess.
        if ours, rank(original) == nil, !isFailed(original) { return .reexecute(core: nil, source: .openblas) }
        return .reexecute(core: best, source: .automatic(openblasChoice: original))
    }
}

extension BLASKernelChoice.Source {
    /// Words for the run header: why this kernel.
    public var explanation: String {
        switch self {
        case .environment: "set by OPENBLAS_CORETYPE"
        case .override: "asked for with QLAB_BLAS_CORE or --blas-core"
        case .automatic(let choice): "chosen by qlab: OpenBLAS alone picks \(choice) on this CPU"
        case .openblas: "OpenBLAS's own choice"
        }
    }
}
