import Benchmark
import Datasets
import ExperimentSpec
import Foundation
import Models
import Quantization
import Tensors
import Training

/// QLoRA training, forward and generation throughput, and peak memory, on the shapes the issue names:
/// SmolLM2-135M (the real weights from the set-up cache) and a random-weight LLaMA of hidden 512, 8 layers,
/// MLP 1376, vocabulary 32,000. Batch 4 × sequence 256, r 8 on all 7 projections, NF4 + double quantization.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident, .custom("tokens/s", polarity: .prefersLarger, useScalingFactor: false)],
        warmupIterations: 0,
        maxDuration: .seconds(60),
        maxIterations: 3
    )
    let threadCounts = [2, 1]

    for threads in threadCounts {
        for (name, checkpointing) in [("checkpointing", true), ("stored activations", false)] {
            Benchmark("QLoRA step SmolLM2-135M 4x256 r8 NF4+DQ, \(name), \(threads) thread(s)") { benchmark in
                BLAS.threads = threads
                guard let model = Fixtures.smolLM2() else { return }
                try runTraining(benchmark, model: model, checkpointing: checkpointing)
            }
        }
        Benchmark("QLoRA step random 512x8 MLP1376 vocab32000 4x256 r8 NF4+DQ, \(threads) thread(s)") { benchmark in
            BLAS.threads = threads
            try runTraining(benchmark, model: Fixtures.randomModel(), checkpointing: false)
        }
        Benchmark("Forward SmolLM2-135M 4x256 NF4+DQ, \(threads) thread(s)") { benchmark in
            BLAS.threads = threads
            guard let model = Fixtures.smolLM2() else { return }
            let tokens = Fixtures.tokens(count: 1024, vocab: model.config.vocabSize)
            let scratch = Scratch()
            benchmark.startMeasurement()
            let start = Date()
            for _ in benchmark.scaledIterations {
                blackHole(try model.forward(tokens: tokens, batch: 4, sequence: 256, scratch: scratch).scalars[0])
            }
            let seconds = Date().timeIntervalSince(start)
            benchmark.stopMeasurement()
            benchmark.measurement(.custom("tokens/s", polarity: .prefersLarger, useScalingFactor: false),
                                  Int(Double(1024 * benchmark.scaledIterations.count) / seconds))
        }
        Benchmark("Generate SmolLM2-135M 128 tokens after 16, NF4+DQ, \(threads) thread(s)") { benchmark in
            BLAS.threads = threads
            guard let model = Fixtures.smolLM2() else { return }
            let generator = Generator(model: model)
            let prompt = Fixtures.tokens(count: 16, vocab: model.config.vocabSize)
            benchmark.startMeasurement()
            let start = Date()
            var produced = 0
            for _ in benchmark.scaledIterations {
                produced += try generator.generate(prompt: prompt, maxNewTokens: 128, stopTokens: []).tokens.count
            }
            let seconds = Date().timeIntervalSince(start)
            benchmark.stopMeasurement()
            benchmark.measurement(.custom("tokens/s", polarity: .prefersLarger, useScalingFactor: false), Int(Double(produced) / seconds))
        }
    }
    efficiencyBenchmarks()
}

/// Steps of a QLoRA run with loss on every token (the costliest case for the output layer); returns tokens/s.
@discardableResult
func runTraining(_ benchmark: BenchmarkCase, model: LlamaModel, checkpointing: Bool) throws -> Double {
    let adapter = LoRAAdapter.initialized(config: model.config, rank: 8, alpha: 16, targets: Projection.allCases, seed: 1)
    let parameters = LoRAParameters(adapter: adapter, config: model.config)
    let graph = TrainingGraph(model: model, parameters: parameters, batch: 4, sequence: 256, checkpointing: checkpointing)
    let optimizer = try AdamWOptimizer(settings: OptimizerSettings(kind: .adamW, learningRate: 1e-4), count: parameters.count,
                                       tensors: parameters.tensorRanges, pagedDirectory: nil)
    let tokens = Fixtures.tokens(count: 1024, vocab: model.config.vocabSize)
    let batch = try Batch(batchSize: 4, sequenceLength: 256, inputIDs: tokens, attentionMask: [Int](repeating: 1, count: 1024), labels: tokens)
    let normalizer = TrainingGraph.labelTokens(batch)
    benchmark.startMeasurement()
    let start = Date()
    for _ in benchmark.scaledIterations {
        parameters.gradients.zero()
        blackHole(try graph.accumulateGradients(batch, normalizer: normalizer, dropoutKey: 1).lossSum)
        GradientClipping.clip(parameters.gradients.pointer, count: parameters.count, maxNorm: 0.3)
        optimizer.update(parameters: parameters.values.pointer, gradients: parameters.gradients.pointer, lr: 1e-4)
    }
    let seconds = Date().timeIntervalSince(start)
    benchmark.stopMeasurement()
    let rate = Double(1024 * benchmark.scaledIterations.count) / seconds
    benchmark.measurement(BenchmarkMetric.custom("tokens/s", polarity: .prefersLarger, useScalingFactor: false), Int(rate))
    return rate
}

enum Fixtures {
    /// SmolLM2-135M from the set-up cache, NF4 + double quantization; nil (and a note) when it is missing.
    static func smolLM2(compute: ComputePrecision = .float32) -> LlamaModel? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent(".cache/models/smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf").path
        guard FileManager.default.fileExists(atPath: path) else {
            print("SmolLM2 is not prepared (\(path)): run scripts/setup")
            return nil
        }
        return try? ModelLoader.load(.gguf(path: path), quantization: .qlora, compute: compute).model
    }

    /// A random-weight LLaMA of hidden 512, 8 layers, 8 heads, MLP 1376, vocabulary 32,000, NF4 + DQ.
    static func randomModel() throws -> LlamaModel {
        let config = LlamaConfig(hiddenSize: 512, numHiddenLayers: 8, numAttentionHeads: 8, intermediateSize: 1376,
                                 vocabSize: 32_000, maxPositionEmbeddings: 512)
        var rng = SeededGenerator(seed: 5)
        func random(_ shape: [Int], scale: Float) -> Tensor {
            Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in (rng.nextUniform() * 2 - 1) * scale })
        }
        var tensors: [String: Tensor] = ["model.embed_tokens.weight": random([32_000, 512], scale: 0.02),
                                         "lm_head.weight": random([32_000, 512], scale: 0.02),
                                         "model.norm.weight": Tensor(repeating: 1, shape: [512])]
        for l in 0..<8 {
            tensors["model.layers.\(l).input_layernorm.weight"] = Tensor(repeating: 1, shape: [512])
            tensors["model.layers.\(l).post_attention_layernorm.weight"] = Tensor(repeating: 1, shape: [512])
            for p in Projection.allCases {
                let (out, inp) = p.shape(config)
                tensors[p.weightName(layer: l)] = random([out, inp], scale: 0.02)
            }
        }
        return try LlamaModel.build(config: config, source: "random", tensor: { tensors[$0] }) { _, w in
            try FrozenLinear(weight: w, quantization: .qlora)
        }
    }

    static func tokens(count: Int, vocab: Int) -> [Int] {
        var rng = SeededGenerator(seed: 3)
        return (0..<count).map { _ in Int(rng.next() % UInt64(vocab)) }
    }
}
