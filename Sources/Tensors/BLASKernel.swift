import Foundation
import Support

#if canImport(Glibc)
import Glibc
#endif

/// The BLAS kernel this process runs: chosen, checked and explained once at start (`select`), before any product.
public struct BLASKernel: Sendable, Equatable {
    /// The kernel family OpenBLAS loaded (`openblas_get_corename()`).
    public var core: String
    /// Why this one.
    public var source: BLASKernelChoice.Source
    /// The numerical self-check of this kernel on this machine (from the cache when it was run before).
    public var check: BLASSelfCheck.Result?
    /// Kernels that failed the self-check on the way here.
    public var failed: [String]

    /// The line a run header or `qlab train` prints.
    public var summary: String {
        var line = "BLAS kernel \(core) (\(source.explanation)"
        if let check {
            line += check.passed ? "; self-check passed" : "; SELF-CHECK FAILED at \(check.worstCase)"
        }
        line += ")"
        if !failed.isEmpty { line += "; failed the self-check: \(failed.joined(separator: ", "))" }
        return line
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var selected: BLASKernel?

    /// The kernel chosen by `select`, or the loaded one unexamined when `select` was not called (tests, libraries).
    public static var current: BLASKernel {
        lock.lock()
        defer { lock.unlock() }
        return selected ?? BLASKernel(core: BLAS.coreName, source: .openblas, check: nil, failed: [])
    }

    /// Environment variables qlab uses to carry the choice across its own re-execution and to its workers.
    public enum Variable {
        /// The user's override: a core name, "auto" or "default".
        public static let override = "QLAB_BLAS_CORE"
        /// The value of OPENBLAS_CORETYPE that qlab set itself (so a child decides again rather than obeying it).
        public static let setByQlab = "QLAB_BLAS_AUTO"
        /// What OpenBLAS picked on its own before qlab set anything.
        public static let openblasChoice = "QLAB_BLAS_DEFAULT"
        /// Kernels that failed the self-check, comma-separated.
        public static let failed = "QLAB_BLAS_FAILED"
        /// Re-executions so far (a guard against a loop).
        public static let executions = "QLAB_BLAS_EXECUTIONS"
    }

    /// Why selection stopped.
    public struct SelectionError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Chooses the kernel for this process. Either returns (the kernel loaded is the one to use, and it is recorded
    /// as `current`), executes the program again with `OPENBLAS_CORETYPE` set (never returns), or throws when a
    /// kernel that was asked for by name cannot be had.
    ///
    /// `warn` receives the lines a user must see (a kernel failing its self-check).
    @discardableResult
    public static func select(override: String?, recheck: Bool = false, warn: (String) -> Void) throws -> BLASKernel {
        var environment = ProcessInfo.processInfo.environment
        let nonEmpty = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var failed = (nonEmpty(Variable.failed) ?? "").split(separator: ",").map(String.init)
        let features = CPUFeatures.current
        let loaded = BLAS.coreName
        let cache = BLASVerdictCache.standard(environment: environment)
        while true {
            let inputs = BLASKernelChoice.Inputs(
                features: features, loaded: loaded, environmentCore: nonEmpty("OPENBLAS_CORETYPE"),
                setByQlab: nonEmpty(Variable.setByQlab), override: override ?? nonEmpty(Variable.override),
                failed: failed, openblasChoice: nonEmpty(Variable.openblasChoice))
            switch BLASKernelChoice.decide(inputs) {
            case .use(let core, let source, let mustPass):
                let key = cache.key(core: core, features: features)
                var result = recheck ? nil : cache.verdict(key)
                let fromCache = result != nil
                if result == nil {
                    let fresh = BLASSelfCheck.run()
                    cache.record(fresh, key: key)
                    result = fresh
                }
                if let result, !result.passed {
                    if mustPass {
                        warn("qlab: BLAS kernel \(core) failed its numerical self-check (\(result.worstCase): error \(String(format: "%.3g", result.worstRatio))× the bound); trying the next kernel")
                        failed.append(core)
                        continue
                    }
                    warn("qlab: warning: BLAS kernel \(core) (\(source.explanation)) failed its numerical self-check (\(result.worstCase): error \(String(format: "%.3g", result.worstRatio))× the bound); results may be wrong")
                }
                let kernel = BLASKernel(core: core, source: source, check: result, failed: failed)
                Diagnostics.info("BLAS kernel \(core) (\(source.explanation)); self-check "
                                 + "\(result.map { $0.passed ? "passed" : "failed" } ?? "not run")"
                                 + (recheck ? " (run again on request)" : fromCache ? " (verdict from the cache)" : " (run now)")
                                 + (failed.isEmpty ? "" : "; rejected before it: \(failed.joined(separator: ", "))"))
                lock.lock()
                selected = kernel
                lock.unlock()
                return kernel
            case .rejected(let core, let loaded):
                if inputs.override.map({ !BLASKernelChoice.same($0, "auto") && !BLASKernelChoice.same($0, "default") }) == true {
                    throw SelectionError(description: "OpenBLAS did not load the BLAS kernel \(core) (it loaded \(loaded)); names it accepts on this CPU: \(BLASKernelChoice.candidates(for: features).joined(separator: ", "))")
                }
                warn("qlab: OpenBLAS did not load the BLAS kernel \(core) (it loaded \(loaded)); trying the next kernel")
                failed.append(core)
            case .reexecute(let core, let source):
                let count = Int(environment[Variable.executions] ?? "0") ?? 0
                guard count < 8 else {
                    throw SelectionError(description: "gave up choosing a BLAS kernel after \(count) attempts (failed: \(failed.joined(separator: ", ")))")
                }
                if environment[Variable.openblasChoice] == nil { environment[Variable.openblasChoice] = loaded }
                if case .openblas = source { environment[Variable.openblasChoice] = nil }
                if let core {
                    environment["OPENBLAS_CORETYPE"] = core
                    environment[Variable.setByQlab] = core
                } else {
                    environment["OPENBLAS_CORETYPE"] = nil
                    environment[Variable.setByQlab] = nil
                }
                environment[Variable.failed] = failed.isEmpty ? nil : failed.joined(separator: ",")
                environment[Variable.executions] = String(count + 1)
                if override != nil { environment[Variable.override] = override }
                Diagnostics.info("executing again with OPENBLAS_CORETYPE=\(core ?? "(unset)") (\(source.explanation)): "
                                 + "OpenBLAS reads its kernel only when it loads")
                try executeAgain(environment: environment)
            }
        }
    }

    /// Replaces this process by a fresh run of the same program with the same arguments and `environment`.
    static func executeAgain(environment: [String: String]) throws -> Never {
        let arguments = CommandLine.arguments
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        fflush(nil)
        execve("/proc/self/exe", argv, envp)
        throw SelectionError(description: "cannot execute /proc/self/exe again to load another BLAS kernel: \(String(cString: strerror(errno)))")
    }
}
