import ArgumentParser
import Foundation
import Support
import Tensors

/// `qlab blas`: the processor, the BLAS kernel in use, why, and its numerical self-check; the matmul backend.
struct BLASCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blas",
        abstract: "Show the CPU, the BLAS kernel and matmul backend qlab runs and why, and their numerical self-checks.",
        discussion: """
        Every qlab process chooses its OpenBLAS kernel at start. OPENBLAS_CORETYPE, when set, is respected as \
        is. Otherwise, when OpenBLAS picked a kernel older than what the CPU runs (from CPUID: AVX-512 F/BW/VL/DQ \
        → SkylakeX, then Cooperlake with BF16; AVX2+FMA → Haswell; AVX → Sandybridge), qlab executes itself again \
        with OPENBLAS_CORETYPE set to the best one. A kernel is used only after a numerical self-check (SGEMM in \
        all four transposes and SGEMV at odd shapes, on 1 thread and on all, against float64 within 2·K·ε of each \
        dot product's magnitude), run once per machine and cached; a kernel that fails is skipped for the next. \
        Override with --blas-core NAME (on any command) or QLAB_BLAS_CORE=NAME; "default" keeps OpenBLAS's own \
        choice.

        Matrix products go to OpenBLAS or to oneDNN's matmul primitive: --matmul auto|openblas|onednn (on any \
        command) or QLAB_MATMUL. oneDNN is used only after the same numerical self-check; auto, the default, also \
        measures both backends' SGEMM at training shapes once per machine and thread count (cached beside the \
        kernel verdicts) and takes oneDNN when it is more than 5% faster. The two are measured in turns, and a \
        measurement made while other work held the cores (under 80% of them ours) decides for that process only \
        and is not cached. The processes qlab starts (a grid's workers) follow the auto verdict of the process \
        that started them (QLAB_MATMUL_CHOSEN), so every cell of a grid runs on one backend. With oneDNN, qlab runs with \
        OMP_WAIT_POLICY=passive and OPENBLAS_THREAD_TIMEOUT=4 (idle threads sleep instead of spinning), each \
        unless set already (OMP_WAIT_POLICY or GOMP_SPINCOUNT for the first); it executes again to set them. \
        With --matmul auto, --recheck checks and measures again.
        """
    )

    @Flag(help: "Print only the kernel's name (for scripts).") var name = false
    @Flag(help: "Print only the matmul backend's name (for scripts).") var backend = false
    @Flag(help: "Run the self-check again instead of reading its cached verdict.") var recheck = false
    @Flag(help: "Print as JSON.") var json = false

    func run() throws {
        var kernel = BLASKernel.current
        let cache = BLASVerdictCache.standard()
        var matmul = MatmulSelection.current
        if recheck {
            let result = BLASSelfCheck.run()
            cache.record(result, key: cache.key(core: kernel.core, features: .current))
            kernel.check = result
            if matmul.request != .backend(.openblas) {
                matmul = try MatmulSelection.select(request: matmul.request.description, recheck: true) { line in
                    StandardError.write(Data((line + "\n").utf8))
                }
            }
        }
        if name || backend {
            print(name ? kernel.core : matmul.backend.rawValue)
            return
        }
        let f = CPUFeatures.current
        if json {
            var object: [String: Any] = [
                "cpu": f.model, "vendor": f.vendor, "family": f.family, "model": f.modelNumber, "features": f.names,
                "core": kernel.core, "source": kernel.source.explanation, "threads": BLAS.threads,
                "candidates": BLASKernelChoice.candidates(for: f), "failed": kernel.failed, "cache": cache.path,
            ]
            var backend: [String: Any] = [
                "backend": matmul.backend.rawValue, "request": matmul.request.description, "reason": matmul.reason,
                "onednn_version": OneDNN.version, "onednn_isa": OneDNN.isa, "onednn_native_bf16": OneDNN.hasNativeBF16,
                "recorded_kernel": MatmulBackend.recordedKernel, "cache": MatmulVerdictCache.standard().path,
            ]
            let environment = ProcessInfo.processInfo.environment
            for variable in MatmulSelection.openMPWaitVariables + [MatmulSelection.openBLASTimeoutVariable] {
                if let value = environment[variable], !value.isEmpty { backend[variable.lowercased()] = value }
            }
            if let c = matmul.onednnCheck {
                backend["onednn_self_check"] = ["passed": c.passed, "worst_ratio": c.worstRatio.isFinite ? c.worstRatio : -1,
                                                "worst_case": c.worstCase, "threads": c.threads] as [String: Any]
            }
            if let r = matmul.rates {
                var rates: [String: Any] = ["openblas": r.openblas, "onednn": r.onednn, "threads": r.threads]
                if let share = r.share { rates["share_of_cores"] = share }
                backend["gflops"] = rates
            }
            if let inherited = environment[MatmulSelection.inheritedVariable], !inherited.isEmpty {
                backend["passed_to_children"] = inherited
            }
            object["matmul"] = backend
            if let c = kernel.check {
                object["self_check"] = ["passed": c.passed, "worst_ratio": c.worstRatio.isFinite ? c.worstRatio : -1,
                                        "worst_case": c.worstCase, "threads": c.threads] as [String: Any]
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("CPU:         \(f.model.isEmpty ? "unknown" : f.model) (\(f.vendor), family \(f.family) model \(f.modelNumber))")
        print("features:    \(f.names.joined(separator: " "))")
        print("candidates:  \(BLASKernelChoice.candidates(for: f).joined(separator: ", ")) (best first)")
        print("kernel:      \(kernel.core), \(kernel.source.explanation)")
        print("threads:     \(BLAS.threads)")
        if let c = kernel.check {
            print("self-check:  \(c.passed ? "passed" : "FAILED"); worst error \(String(format: "%.3g", c.worstRatio)) of its bound (\(c.worstCase)); threads \(c.threads.map(String.init).joined(separator: ", "))")
        }
        if !kernel.failed.isEmpty { print("failed:      \(kernel.failed.joined(separator: ", "))") }
        print("cache:       \(cache.path)")
        print("matmul:      \(matmul.backend.rawValue), \(matmul.reason) (--matmul \(matmul.request))")
        print("oneDNN:      \(OneDNN.version) on \(OneDNN.isa), bfloat16 \(OneDNN.hasNativeBF16 ? "in hardware" : "not in hardware (bf16 compute is emulated on float32 products)")")
        let waiting = (MatmulSelection.openMPWaitVariables + [MatmulSelection.openBLASTimeoutVariable]).compactMap { name in
            ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : "\(name)=\($0)" }
        }
        if matmul.backend == .onednn {
            print("idle threads: \(waiting.isEmpty ? "OpenMP's and OpenBLAS's defaults (they spin)" : waiting.joined(separator: ", "))")
        }
        if let c = matmul.onednnCheck {
            print("oneDNN check: \(c.passed ? "passed" : "FAILED"); worst error \(String(format: "%.3g", c.worstRatio)) of its bound (\(c.worstCase))")
        }
        if let r = matmul.rates {
            let share = r.share.map { String(format: ", with %.0f%% of the cores", 100 * $0) } ?? ""
            print("GEMM rates:  OpenBLAS \(String(format: "%.0f", r.openblas)), oneDNN \(String(format: "%.0f", r.onednn)) GFLOP/s at training shapes, \(r.threads) thread(s)\(share)")
        }
    }
}
