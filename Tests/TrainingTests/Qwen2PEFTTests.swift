import Datasets
import ExperimentSpec
import Foundation
import Support
import Testing
import Models
import Tensors
@testable import Training

/// LoRA and QLoRA training of a tiny random Qwen2 (`Tests/Fixtures/qlora-reference/tiny-qwen2`, written by its
/// `make.py`) against PEFT + transformers (+ bitsandbytes NF4 with double quantization) on the same batches, the
/// first step's adapter gradients, and a merged checkpoint in Qwen2ForCausalLM's layout with its biases.
@Suite("Qwen2 training: a tiny random model against PEFT")
struct Qwen2PEFTTests {
    static let fixture = PEFTFixtureRun(root: TrainingPaths.fixture("qlora-reference/tiny-qwen2"))

    @Test func sixStepsOfLoRAMatchPEFT() throws {
        let model = try Self.fixture.model()
        let (records, dir) = try Self.fixture.train(model)
        let worst = try Self.fixture.worstDifferences(records, against: "reference.json")
        #expect(worst.loss < 1e-5, "worst loss difference \(worst.loss)")
        #expect(worst.norm < 1e-4, "worst gradient norm difference \(worst.norm)")
        let saved = try LoRAAdapter.load(directory: dir + "/adapter", config: model.config)
        let final = try LoRAAdapter.load(directory: Self.fixture.root + "/adapter_final", config: model.config)
        let initial = try LoRAAdapter.load(directory: Self.fixture.root + "/adapter_init", config: model.config)
        #expect(relativeDifference(flatten(saved), flatten(final)) < 1e-4)
        #expect(relativeDifference(flatten(saved), flatten(initial)) > 1e-3)
    }

    /// QLoRA: the base quantized here (NF4, double quantization, blocks of 64) as bitsandbytes quantized it for PEFT.
    @Test func sixStepsOfQLoRAMatchPEFTWithBitsAndBytes() throws {
        let model = try Self.fixture.model(quantization: .qlora)
        let (records, _) = try Self.fixture.train(model)
        let worst = try Self.fixture.worstDifferences(records, against: "reference-nf4.json")
        print("qwen2 QLoRA: worst loss rel \(worst.loss), worst gradient-norm rel \(worst.norm)")
        #expect(worst.loss < 1e-4, "worst loss difference \(worst.loss)")
        #expect(worst.norm < 1e-3, "worst gradient norm difference \(worst.norm)")
        // The quantization happened: the float32 run's losses are further away than the tolerance.
        let unquantized = try Self.fixture.reference("reference.json", "losses"), quantized = try Self.fixture.reference("reference-nf4.json", "losses")
        #expect(zip(unquantized, quantized).map { abs($0 - $1) / $1 }.max()! > 1e-3)
    }

    @Test(arguments: [false, true])
    func firstStepGradientsMatchPEFT(checkpointing: Bool) throws {
        let model = try Self.fixture.model()
        let adapter = try LoRAAdapter.load(directory: Self.fixture.root + "/adapter_init", config: model.config)
        let parameters = LoRAParameters(adapter: adapter, config: model.config)
        let batch = try BatchFile(path: Self.fixture.root + "/batches.safetensors").batch(step: 0)
        let graph = TrainingGraph(model: model, parameters: parameters, batch: batch.batchSize, sequence: batch.sequenceLength,
                                  checkpointing: checkpointing)
        parameters.gradients.zero()
        let (lossSum, tokens) = try graph.accumulateGradients(batch, normalizer: TrainingGraph.labelTokens(batch), dropoutKey: 0)
        let loss = try Self.fixture.reference("reference.json", "losses")[0]
        #expect(abs(lossSum / Double(tokens) - loss) / loss < 1e-5)
        try expectFirstStepGradients(parameters, rank: adapter.rank, layers: model.config.numHiddenLayers, fixture: Self.fixture.root)
    }

    @Test func aMergedAdapterIsAQwen2CheckpointWithItsBiases() throws {
        let model = try Self.fixture.model()
        let adapter = try LoRAAdapter.load(directory: Self.fixture.root + "/adapter_final", config: model.config)
        let dir = try TrainingPaths.temporaryDirectory().path + "/merged"
        try AdapterMerge.write(model: model, adapter: adapter, to: dir, type: .float32)
        // The tensors transformers wrote for Qwen2ForCausalLM, no more and no fewer.
        let written = try SafeTensorsFile(path: dir + "/model.safetensors")
        let original = try SafeTensorsFile(path: Self.fixture.base + "/model.safetensors")
        #expect(Set(written.entries.keys) == Set(original.entries.keys))
        for name in original.entries.keys where name.hasSuffix(".bias") {
            #expect(try written.floats(name) == original.floats(name), "\(name)")
        }
        let json = try TrainingPaths.referenceJSON(dir + "/config.json")
        #expect(json["model_type"]?.string == "qwen2" && json["architectures"]?.array?.first?.string == "Qwen2ForCausalLM")
        let merged = try HuggingFaceCheckpoint(directory: dir)
        #expect(merged.config == model.config)
        let mergedModel = try merged.model { _, w in try FrozenLinear(weight: w, quantization: nil) }
        let tokens = [5, 17, 250, 3, 99, 140, 8, 41, 77, 12, 5, 200]
        let expected = try model.forward(tokens: tokens, batch: 1, sequence: tokens.count, adapter: adapter).scalars
        let got = try mergedModel.forward(tokens: tokens, batch: 1, sequence: tokens.count).scalars
        #expect(relativeDifference(got, expected) < 1e-5)
        let base = try model.forward(tokens: tokens, batch: 1, sequence: tokens.count).scalars
        #expect(relativeDifference(base, expected) > 1e-4)
    }

    @Test func fullFineTuningIsRefusedNotSilentlyWrong() throws {
        var c = TrainingConfig()
        c.fullFineTune = true
        let model = try Self.fixture.model()
        #expect(throws: TrainingError.self) {
            _ = try Trainer(config: c, model: model, initialAdapter: nil,
                            batches: try ReplayBatches(file: try BatchFile(path: Self.fixture.root + "/batches.safetensors")),
                            directory: try TrainingPaths.temporaryDirectory().path, baseModelName: Self.fixture.base)
        }
    }
}
