import Datasets
import ExperimentSpec
import Foundation
import Support
import Testing
import Models
import Tensors
@testable import Training

struct TrainerTests {
    static func referenceConfig(steps: Int = 40, checkpointEvery: Int = 0, optimizer: OptimizerKind = .pagedAdamW) -> TrainingConfig {
        var c = TrainingConfig()
        c.steps = steps
        c.batchSize = 4
        c.optimizer = OptimizerSettings(kind: optimizer, learningRate: 1e-3, weightDecay: 0, maxGradNorm: 0.3)
        c.schedule = ScheduleSettings(kind: .constant)
        c.checkpointEvery = checkpointEvery
        c.seed = 7
        return c
    }

    static func trainer(_ config: TrainingConfig, directory: String, adapter: String = TrainingPaths.run + "/adapter_init") throws -> Trainer {
        let checkpoint = try HuggingFaceCheckpoint(directory: TrainingPaths.tinyLlama)
        let model = try checkpoint.model { _, w in try FrozenLinear(weight: w, quantization: .qlora) }
        let initial = try LoRAAdapter.load(directory: adapter, config: model.config)
        let batches = try ReplayBatches(file: try BatchFile(path: TrainingPaths.batches))
        return try Trainer(config: config, model: model, initialAdapter: initial, batches: batches,
                           directory: directory, baseModelName: TrainingPaths.tinyLlama)
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func aRunWritesItsStepLogAdapterAndSummary() throws {
        let dir = try TrainingPaths.temporaryDirectory().path
        let summary = try Self.trainer(Self.referenceConfig(), directory: dir).run()
        #expect(summary.status == .completed && summary.steps == 40)
        let lines = try String(contentsOfFile: dir + "/steps.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 40)
        let records = try lines.map { try JSONDecoder().decode(StepLine.self, from: Data($0.utf8)) }
        let reference = try TrainingPaths.referenceJSON(TrainingPaths.run + "/reference.json")["results"]!["cuda"]!["losses"]!.array!.map { $0.double! }
        for (r, l) in zip(records, reference) { #expect(abs(r.loss - l) / l < 1e-4, "step \(r.step)") }
        #expect(records.map(\.step) == Array(1...40))
        #expect(records.allSatisfy { $0.lr == 1e-3 && $0.tokens > 0 && $0.gradNorm > 0 })
        let first = String(lines[0])
        for key in ["\"step\"", "\"loss\"", "\"grad_norm\"", "\"lr\"", "\"tokens\"", "\"seconds\""] { #expect(first.contains(key)) }
        // The saved adapter loads back and equals the reference's final adapter within 1e-3.
        let config = try LlamaConfig.load(path: TrainingPaths.tinyLlama + "/config.json")
        let saved = try LoRAAdapter.load(directory: dir + "/adapter", config: config)
        let final = try LoRAAdapter.load(directory: TrainingPaths.run + "/adapter_final_cuda", config: config)
        #expect(relativeDifference(flatten(saved), flatten(final)) < 1e-3)
        #expect(FileManager.default.fileExists(atPath: dir + "/summary.json"))
    }

    @Test func theSameConfigurationGivesTheSameBytes() throws {
        let a = try TrainingPaths.temporaryDirectory().path, b = try TrainingPaths.temporaryDirectory().path
        _ = try Self.trainer(Self.referenceConfig(steps: 12), directory: a).run()
        _ = try Self.trainer(Self.referenceConfig(steps: 12), directory: b).run()
        #expect(try Self.bytes(a + "/adapter/adapter_model.safetensors") == Self.bytes(b + "/adapter/adapter_model.safetensors"))
    }

    /// Stopped between checkpoints (after 13, last checkpoint at 10) and exactly at one (after 10), then resumed
    /// by a fresh trainer: the final adapter has the bytes of an uninterrupted run, for every optimizer.
    @Test(arguments: [(OptimizerKind.pagedAdamW, 13), (.adamW8bit, 13), (.adamW, 10)])
    func resumingEndsBitIdenticalToAnUninterruptedRun(optimizer: OptimizerKind, stopAfter: Int) throws {
        var config = Self.referenceConfig(steps: 22, checkpointEvery: 5, optimizer: optimizer)
        config.lora.dropout = 0.1  // dropout masks must be the same after a resume too
        let straight = try TrainingPaths.temporaryDirectory().path
        let adapter = TrainingPaths.optim8 + "/adapter_init"
        _ = try Self.trainer(config, directory: straight, adapter: adapter).run()
        let interrupted = try TrainingPaths.temporaryDirectory().path
        let partial = try Self.trainer(config, directory: interrupted, adapter: adapter).run(stopAfter: stopAfter)
        #expect(partial.steps == stopAfter && partial.adapterDirectory == nil)
        let resumed = try Self.trainer(config, directory: interrupted, adapter: adapter).run()
        #expect(resumed.resumedFrom == 10 && resumed.steps == 22)
        #expect(try Self.bytes(straight + "/adapter/adapter_model.safetensors") == Self.bytes(interrupted + "/adapter/adapter_model.safetensors"))
        let log = { (d: String) in try String(contentsOfFile: d + "/steps.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(StepLine.self, from: Data($0.utf8)) }.map { [$0.loss, $0.gradNorm] } }
        #expect(try log(straight) == log(interrupted))
    }

    /// A stop request after step 8 (no periodic checkpoint there) checkpoints step 8 itself; the resumed run
    /// starts at 8, not at the last periodic checkpoint, and ends with an uninterrupted run's bytes and loss.
    @Test func aStopRequestCheckpointsTheStepItIsOnAndResumesFromIt() throws {
        var config = Self.referenceConfig(steps: 14, checkpointEvery: 5)
        config.lora.dropout = 0.1
        let straight = try TrainingPaths.temporaryDirectory().path
        let full = try Self.trainer(config, directory: straight).run()
        let stopped = try TrainingPaths.temporaryDirectory().path
        let trainer = try Self.trainer(config, directory: stopped)
        let counter = StepCounter()
        trainer.stopRequested = { counter.value >= 8 }
        let partial = try trainer.run { _ in counter.increment() }
        #expect(partial.status == .stopped && partial.steps == 8 && partial.adapterDirectory == nil)
        #expect(Trainer.latestCheckpoint(in: stopped)?.step == 8)
        let resumed = try Self.trainer(config, directory: stopped).run()
        #expect(resumed.status == .completed && resumed.resumedFrom == 8 && resumed.steps == 14)
        #expect(resumed.finalLoss == full.finalLoss)
        #expect(try Self.bytes(straight + "/adapter/adapter_model.safetensors") == Self.bytes(stopped + "/adapter/adapter_model.safetensors"))
        // Resumed from the final checkpoint (stopped after training), the last loss is still the run's.
        let again = try Self.trainer(config, directory: stopped).run()
        #expect(again.resumedFrom == 14 && again.finalLoss == full.finalLoss)
    }

    @Test func aNaNLossEndsTheRunWithAClearStatus() throws {
        let config = try LlamaConfig.load(path: TrainingPaths.tinyLlama + "/config.json")
        var adapter = try LoRAAdapter.load(directory: TrainingPaths.run + "/adapter_init", config: config)
        adapter.layers[0][.q]!.b[0] = .nan
        let source = try TrainingPaths.temporaryDirectory().path
        try adapter.save(directory: source, baseModel: "tiny", config: config)
        let dir = try TrainingPaths.temporaryDirectory().path
        let summary = try Self.trainer(Self.referenceConfig(steps: 5), directory: dir, adapter: source).run()
        #expect(summary.status == .diverged)
        #expect(summary.steps == 0)
        #expect(summary.reason.contains("step 1"))
    }
}

extension TrainerTests {
    @Test func greedyAnswersAfterTrainingEqualTheReference() throws {
        let dir = try TrainingPaths.temporaryDirectory().path
        let trainer = try Self.trainer(Self.referenceConfig(), directory: dir)
        _ = try trainer.run()
        let expected = try TrainingPaths.referenceJSON(TrainingPaths.run + "/reference.json")["results"]!["cuda"]!["greedy_ids"]!.object!
        let generator = Generator(model: trainer.model, adapter: trainer.adapter)
        #expect(expected.count == 3)
        for (prompt, ids) in expected {
            let tokens = [257] + Array(prompt.utf8).map(Int.init)
            let got = try generator.generate(prompt: tokens, maxNewTokens: ids.array!.count).tokens
            #expect(got == ids.array!.map { $0.int! }, "\(prompt)")
        }
    }
}

/// A step count shared with the trainer's stop closure.
final class StepCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
