import Datasets
import ExperimentSpec
import Foundation
import Support
import Testing
import Models
import Tensors
@testable import Training

/// The Trainer in full fine-tuning mode on the tiny reference model and batches.
struct FullFineTuneTrainerTests {
    static func config(steps: Int, checkpointEvery: Int = 0, optimizer: OptimizerKind = .adamW) -> TrainingConfig {
        var c = TrainingConfig()
        c.fullFineTune = true
        c.model.quantization = .none
        c.steps = steps
        c.batchSize = 4
        c.optimizer = OptimizerSettings(kind: optimizer, learningRate: 1e-3, weightDecay: 0.01, maxGradNorm: 1)
        c.checkpointEvery = checkpointEvery
        c.seed = 3
        return c
    }

    static func trainer(_ config: TrainingConfig, directory: String, tied: Bool = false) throws -> Trainer {
        let model = try FullFineTuneGradientTests.denseModel(tied: tied)
        let batches = try ReplayBatches(file: try BatchFile(path: TrainingPaths.batches))
        return try Trainer(config: config, model: model, initialAdapter: nil, batches: batches,
                           directory: directory, baseModelName: TrainingPaths.tinyLlama)
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test(arguments: [false, true])
    func aFewStepsLowerTheLossOnTheBatchesTheySaw(tied: Bool) throws {
        let steps = 8
        let dir = try TrainingPaths.temporaryDirectory().path
        let trainer = try Self.trainer(Self.config(steps: steps), directory: dir, tied: tied)
        let seen = try ReplayBatches(file: try BatchFile(path: TrainingPaths.batches)).batches.prefix(steps)
        let before = try trainer.evaluate(Array(seen)).loss
        let summary = try trainer.run()
        let after = try trainer.evaluate(Array(seen)).loss
        print("full fine-tune (\(tied ? "tied" : "untied")): loss on the \(steps) batches \(before) → \(after)")
        #expect(summary.status == .completed && summary.steps == steps)
        #expect(after < before - 0.1)
        #expect(summary.adapterDirectory == nil && summary.modelDirectory == dir + "/model")
        #expect(!FileManager.default.fileExists(atPath: dir + "/adapter"))
        #expect(trainer.parameterCount == (try FullParameters(model: trainer.model)).count)
    }

    /// Stopped after step 5 (last checkpoint at 3) and resumed by a fresh trainer: the written model and the
    /// step log have the bytes of an uninterrupted run.
    @Test(arguments: [OptimizerKind.adamW, .adamW8bit])
    func resumingEndsBitIdenticalToAnUninterruptedRun(optimizer: OptimizerKind) throws {
        let config = Self.config(steps: 7, checkpointEvery: 3, optimizer: optimizer)
        let straight = try TrainingPaths.temporaryDirectory().path
        _ = try Self.trainer(config, directory: straight).run()
        let interrupted = try TrainingPaths.temporaryDirectory().path
        let partial = try Self.trainer(config, directory: interrupted).run(stopAfter: 5)
        #expect(partial.steps == 5 && partial.modelDirectory == nil)
        let resumed = try Self.trainer(config, directory: interrupted).run()
        #expect(resumed.resumedFrom == 3 && resumed.steps == 7)
        #expect(try Self.bytes(straight + "/model/model.safetensors") == Self.bytes(interrupted + "/model/model.safetensors"))
        let log = { (d: String) in try String(contentsOfFile: d + "/steps.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(StepLine.self, from: Data($0.utf8)) }.map { [$0.loss, $0.gradNorm] } }
        #expect(try log(straight) == log(interrupted))
    }

    /// The written checkpoint reloads as a Hugging Face model whose logits are the trained model's, bit for bit.
    @Test(arguments: [false, true])
    func theWrittenCheckpointReloadsWithTheTrainedLogits(tied: Bool) throws {
        let dir = try TrainingPaths.temporaryDirectory().path
        let trainer = try Self.trainer(Self.config(steps: 3), directory: dir, tied: tied)
        _ = try trainer.run()
        let trained = trainer.trainedModel
        let checkpoint = try HuggingFaceCheckpoint(directory: dir + "/model")
        #expect(checkpoint.config.tieWordEmbeddings == tied)
        #expect(checkpoint.tensorNames.contains("lm_head.weight") == !tied)
        let reloaded = try checkpoint.model { _, w in FrozenLinear(dense: w) }
        let b = try BatchFile(path: TrainingPaths.batches).batch(step: 0)
        let expected = try trained.forward(tokens: b.inputIDs, batch: b.batchSize, sequence: b.sequenceLength, attentionMask: b.attentionMask)
        let got = try reloaded.forward(tokens: b.inputIDs, batch: b.batchSize, sequence: b.sequenceLength, attentionMask: b.attentionMask)
        #expect(got.scalars == expected.scalars)
        // Training changed the model: the base model's logits differ.
        let base = try FullFineTuneGradientTests.denseModel(tied: tied)
            .forward(tokens: b.inputIDs, batch: b.batchSize, sequence: b.sequenceLength, attentionMask: b.attentionMask)
        #expect(base.scalars != got.scalars)
        // The graph's evaluation agrees with the reloaded model's loss on the same batch.
        let graphLoss = try trainer.evaluate([b]).loss
        let reloadedTrainer = try Trainer(config: Self.config(steps: 1), model: reloaded, initialAdapter: nil,
                                          batches: try ReplayBatches(file: try BatchFile(path: TrainingPaths.batches)),
                                          directory: try TrainingPaths.temporaryDirectory().path, baseModelName: "reloaded")
        #expect(try reloadedTrainer.evaluate([b]).loss == graphLoss)
    }

    @Test func aQuantizedConfigurationIsAClearError() throws {
        var config = Self.config(steps: 1)
        config.model.quantization = .nf4
        #expect(config.validationProblems().contains { $0.contains("full fine-tuning") && $0.contains("none") })
        let dir = try TrainingPaths.temporaryDirectory().path
        #expect { _ = try Self.trainer(config, directory: dir) } throws: { error in
            guard case TrainingError.invalidSetting(let message) = error else { return false }
            return message.contains("quantization to none")
        }
        #expect(Self.config(steps: 1).validationProblems().isEmpty)
    }

    @Test func aLoRACheckpointIsNotResumedAsAFullFineTuningRun() throws {
        let dir = try TrainingPaths.temporaryDirectory().path
        _ = try TrainerTests.trainer(TrainerTests.referenceConfig(steps: 1), directory: dir).run()
        #expect { _ = try Self.trainer(Self.config(steps: 2), directory: dir).run() } throws: { error in
            guard case TrainingError.checkpointMismatch = error else { return false }
            return true
        }
    }
}
