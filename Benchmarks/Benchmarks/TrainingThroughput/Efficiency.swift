import Benchmark
import Foundation
import Models
import Tensors
import Training

/// package-benchmark's `Benchmark`, named where ExperimentSpec's `Benchmark` (a k-shot benchmark) is not in scope.
typealias BenchmarkCase = Benchmark

/// The step's efficiency: the matrix arithmetic of one QLoRA step per second ÷ what the backend's GEMM alone does
/// per second at the step's shapes, for each backend, float32 and bf16 compute, 1 and 2 threads.
let efficiencyBenchmarks: @Sendable () -> Void = {
    for threads in [2, 1] {
        for backend in MatmulBackend.allCases {
            for compute in ComputePrecision.allCases {
                let name = "QLoRA step efficiency SmolLM2-135M 4x256 r8 NF4+DQ, stored activations, \(backend.rawValue), \(compute.rawValue), \(threads) thread(s)"
                Benchmark(name, configuration: .init(
                    metrics: [.wallClock, .peakMemoryResident, .custom("tokens/s", polarity: .prefersLarger, useScalingFactor: false),
                              .custom("step GFLOP/s", polarity: .prefersLarger, useScalingFactor: false),
                              .custom("GEMM GFLOP/s", polarity: .prefersLarger, useScalingFactor: false),
                              .custom("efficiency %", polarity: .prefersLarger, useScalingFactor: false)],
                    warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 3)) { benchmark in
                    BLAS.threads = threads
                    MatmulBackend.active = backend
                    defer { MatmulBackend.active = .openblas }
                    guard let model = Fixtures.smolLM2(compute: compute) else { return }
                    let gemm = StepCost.gemmRate(compute: compute)
                    let tokens = try runTraining(benchmark, model: model, checkpointing: false)
                    let flops = StepCost.flopsPerToken(model.config, sequence: 256, rank: 8, checkpointing: false)
                    let achieved = tokens * flops / 1e9
                    benchmark.measurement(.custom("step GFLOP/s", polarity: .prefersLarger, useScalingFactor: false), Int(achieved))
                    benchmark.measurement(.custom("GEMM GFLOP/s", polarity: .prefersLarger, useScalingFactor: false), Int(gemm))
                    benchmark.measurement(.custom("efficiency %", polarity: .prefersLarger, useScalingFactor: false), Int(100 * achieved / gemm))
                    print(name + ": " + String(format: "%.0f tokens/s × %.3f GFLOP/token = %.0f GFLOP/s; GEMM alone %.0f GFLOP/s; efficiency %.0f%%",
                                               tokens, flops / 1e9, achieved, gemm, 100 * achieved / gemm))
                }
            }
        }
    }
}

/// The arithmetic of a QLoRA step and the GEMM rate it is held against.
enum StepCost {
    /// Multiply-adds ×2 of the matrix products of one token's step: the frozen projections and the output layer
    /// forward (x·Wᵀ) and backward (dY·W, no weight gradient), attention's two products forward and four backward
    /// (over the whole sequence, as the kernels compute them), the LoRA branches (two products forward, four
    /// backward, per projection), and with checkpointing the forward once more.
    static func flopsPerToken(_ c: LlamaConfig, sequence: Int, rank: Int, checkpointing: Bool) -> Double {
        var linear = 0.0, lora = 0.0
        for p in Projection.allCases {
            let (out, inp) = p.shape(c)
            linear += Double(out * inp)
            lora += Double(rank * (out + inp))
        }
        let layers = Double(c.numHiddenLayers)
        let head = Double(c.hiddenSize * c.vocabSize)
        let attention = 2 * Double(sequence) * Double(c.numAttentionHeads * c.headDim)  // QKᵀ and PV per token
        let forward = 2 * (layers * (linear + lora + attention) + head)
        let backward = 2 * (layers * (linear + 2 * lora + 2 * attention) + head)
        let layerForward = 2 * layers * (linear + lora + attention)
        return forward + backward + (checkpointing ? layerForward : 0)
    }

    /// GFLOP/s of the active backend's GEMM at the step's shapes (SmolLM2's projections and output layer, 1,024
    /// rows), in the step's compute type: for bf16 the inputs are rounded (or converted) as the step does.
    static func gemmRate(compute: ComputePrecision) -> Double {
        let shapes: [(Int, Int, Int, Bool, Bool)] = [
            (1_024, 1_536, 576, false, true), (1_024, 576, 1_536, false, false), (1_024, 576, 576, false, true),
            (1_024, 49_152, 576, false, true),
        ]
        if compute == .float32 { return MatmulRates.measure(MatmulBackend.active, shapes: shapes) }
        var flops = 0.0, seconds = 0.0
        var rng = SeededGenerator(seed: 4)
        for (m, n, k, ta, tb) in shapes {
            let a = (0..<(m * k)).map { _ in BFloat16.rounded(Float.random(in: -1...1, using: &rng)) }
            let b = (0..<(k * n)).map { _ in BFloat16.rounded(Float.random(in: -1...1, using: &rng)) }
            var c = [Float](repeating: 0, count: m * n)
            var scratch = [Float](repeating: 0, count: a.count + b.count)
            var best = Double.infinity
            for round in 0...3 {
                let start = DispatchTime.now().uptimeNanoseconds
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        c.withUnsafeMutableBufferPointer { pc in
                            scratch.withUnsafeMutableBufferPointer { ps in
                                BFloat16.gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, a: pa.baseAddress!, lda: ta ? m : k,
                                              roundedA: true, b: pb.baseAddress!, ldb: tb ? k : n, roundedB: true,
                                              c: pc.baseAddress!, ldc: n, scratch: ps.baseAddress!)
                            }
                        }
                    }
                }
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                if round > 0 { best = min(best, elapsed) }
            }
            flops += 2 * Double(m * n * k)
            seconds += best
        }
        return flops / seconds / 1e9
    }
}
