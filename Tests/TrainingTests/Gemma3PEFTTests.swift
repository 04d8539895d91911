import Datasets
import ExperimentSpec
import Foundation
import Support
import Testing
import Models
import Tensors
@testable import Training

/// LoRA training of a tiny random Gemma 3 (a Hugging Face checkpoint, `Tests/Fixtures/qlora-reference/tiny-gemma3`,
/// written by its `make.py`) against PEFT + transformers on the same batches: the losses and gradient norms of six
/// AdamW steps, the adapter gradients of the first, and a merged checkpoint that loads back as the same model.
@Suite("Gemma 3 training: a tiny random model against PEFT")
struct Gemma3PEFTTests {
    static let root = TrainingPaths.fixture("qlora-reference/tiny-gemma3")
    static let base = root + "/base"

    static func model() throws -> LlamaModel {
        try HuggingFaceCheckpoint(directory: base).model { _, w in try FrozenLinear(weight: w, quantization: nil) }
    }

    static func reference(_ key: String) throws -> [Double] {
        try TrainingPaths.referenceJSON(root + "/reference.json")[key]!.array!.map { $0.double! }
    }

    @Test func theCheckpointReadsAsGemma3() throws {
        let config = try LlamaConfig.load(path: Self.base + "/config.json")
        let g = try #require(config.gemma3)
        #expect(config.family.name == "gemma3" && config.family.trainable)
        #expect(g.slidingWindow == 8 && g.localRopeTheta == 10_000 && config.ropeTheta == 1_000_000)
        #expect((0..<3).map { g.isGlobal(layer: $0) } == [false, true, false])
        #expect(abs(g.queryScale - 1 / 24.0.squareRoot()) < 1e-15)
        #expect(config.tieWordEmbeddings && config.headDim == 16 && config.numKeyValueHeads == 1)
    }

    @Test func sixStepsOfLoRAMatchPEFT() throws {
        var c = TrainingConfig()
        c.steps = 6
        c.batchSize = 4
        c.optimizer = OptimizerSettings(kind: .adamW, learningRate: 1e-3, weightDecay: 0, maxGradNorm: 0.3)
        c.schedule = ScheduleSettings(kind: .constant)
        c.seed = 7
        let model = try Self.model()
        let initial = try LoRAAdapter.load(directory: Self.root + "/adapter_init", config: model.config)
        #expect(initial.rank == 4 && initial.targets.count == 7)
        let dir = try TrainingPaths.temporaryDirectory().path
        let trainer = try Trainer(config: c, model: model, initialAdapter: initial,
                                  batches: try ReplayBatches(file: try BatchFile(path: Self.root + "/batches.safetensors")),
                                  directory: dir, baseModelName: Self.base)
        let summary = try trainer.run()
        #expect(summary.status == .completed && summary.steps == 6)
        let records = try String(contentsOfFile: dir + "/steps.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(StepLine.self, from: Data($0.utf8)) }
        let losses = try Self.reference("losses"), norms = try Self.reference("grad_norms_preclip")
        #expect(records.count == 6)
        for (r, (loss, norm)) in zip(records, zip(losses, norms)) {
            #expect(abs(r.loss - loss) / loss < 1e-5, "step \(r.step): loss \(r.loss), PEFT \(loss)")
            #expect(abs(r.gradNorm - norm) / norm < 1e-4, "step \(r.step): gradient norm \(r.gradNorm), PEFT \(norm)")
        }
        // The adapter after six steps equals PEFT's.
        let saved = try LoRAAdapter.load(directory: dir + "/adapter", config: model.config)
        let final = try LoRAAdapter.load(directory: Self.root + "/adapter_final", config: model.config)
        #expect(relativeDifference(flatten(saved), flatten(final)) < 1e-4)
        #expect(relativeDifference(flatten(saved), flatten(initial)) > 1e-3)
    }

    /// QLoRA: the base quantized here (NF4, double quantization, blocks of 64) as bitsandbytes quantized it for
    /// PEFT (`make_nf4.py`).
    @Test func sixStepsOfQLoRAMatchPEFTWithBitsAndBytes() throws {
        let fixture = PEFTFixtureRun(root: Self.root)
        let (records, _) = try fixture.train(try fixture.model(quantization: .qlora))
        let worst = try fixture.worstDifferences(records, against: "reference-nf4.json")
        print("gemma3 QLoRA: worst loss rel \(worst.loss), worst gradient-norm rel \(worst.norm)")
        #expect(worst.loss < 1e-4, "worst loss difference \(worst.loss)")
        #expect(worst.norm < 1e-3, "worst gradient norm difference \(worst.norm)")
        let unquantized = try fixture.reference("reference.json", "losses"), quantized = try fixture.reference("reference-nf4.json", "losses")
        #expect(zip(unquantized, quantized).map { abs($0 - $1) / $1 }.max()! > 1e-3)
    }

    @Test(arguments: [false, true])
    func firstStepGradientsMatchPEFT(checkpointing: Bool) throws {
        let model = try Self.model()
        let adapter = try LoRAAdapter.load(directory: Self.root + "/adapter_init", config: model.config)
        let parameters = LoRAParameters(adapter: adapter, config: model.config)
        let batch = try BatchFile(path: Self.root + "/batches.safetensors").batch(step: 0)
        let graph = TrainingGraph(model: model, parameters: parameters, batch: batch.batchSize, sequence: batch.sequenceLength,
                                  checkpointing: checkpointing)
        parameters.gradients.zero()
        let (lossSum, tokens) = try graph.accumulateGradients(batch, normalizer: TrainingGraph.labelTokens(batch), dropoutKey: 0)
        let loss = try Self.reference("losses")[0]
        #expect(abs(lossSum / Double(tokens) - loss) / loss < 1e-5)
        try expectFirstStepGradients(parameters, rank: adapter.rank, layers: model.config.numHiddenLayers, fixture: Self.root)
    }

    @Test func aMergedAdapterLoadsBackAsTheSameModel() throws {
        let model = try Self.model()
        let adapter = try LoRAAdapter.load(directory: Self.root + "/adapter_final", config: model.config)
        let dir = try TrainingPaths.temporaryDirectory().path + "/merged"
        try AdapterMerge.write(model: model, adapter: adapter, to: dir, type: .float32)
        let merged = try HuggingFaceCheckpoint(directory: dir)
        // transformers reads query_pre_attn_scalar only as an integer.
        let json = try String(contentsOfFile: dir + "/config.json", encoding: .utf8)
        #expect(json.contains("\"query_pre_attn_scalar\": 24,") && json.contains("\"model_type\": \"gemma3_text\""))
        #expect(merged.config == model.config)
        let mergedModel = try merged.model { _, w in try FrozenLinear(weight: w, quantization: nil) }
        let tokens = [2, 17, 250, 3, 99, 140, 8, 41, 77, 12, 5, 200]
        let expected = try model.forward(tokens: tokens, batch: 1, sequence: tokens.count, adapter: adapter).scalars
        let got = try mergedModel.forward(tokens: tokens, batch: 1, sequence: tokens.count).scalars
        #expect(relativeDifference(got, expected) < 1e-5)
        // The adapter changed the logits (the comparison above is not of the base with itself).
        let base = try model.forward(tokens: tokens, batch: 1, sequence: tokens.count).scalars
        #expect(relativeDifference(base, expected) > 1e-4)
    }
}
