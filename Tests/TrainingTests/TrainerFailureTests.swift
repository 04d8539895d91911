import Datasets
import ExperimentSpec
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif
import Models
import Tensors
@testable import Training

/// Runs that go wrong: a learning rate that blows the model up, and an error in the middle of a run.
struct TrainerFailureTests {
    /// The reference batches, failing from step `failingFrom` (0-based) on, as a file that ends too soon does.
    struct FailingBatches: BatchSource {
        let inner: ReplayBatches
        let failingFrom: Int
        func batch(step: Int, micro: Int) throws -> Batch {
            guard step < failingFrom else { throw DataError.invalidSetting("no batch for step \(step + 1)") }
            return try inner.batch(step: step, micro: micro)
        }
        var maximumShape: (batch: Int, sequence: Int) { inner.maximumShape }
    }

    /// The reference batches with one label of step `step` (0-based) replaced by `label`, as a damaged batch
    /// file would hold it.
    struct RelabelledBatches: BatchSource {
        let inner: ReplayBatches
        let step: Int
        let label: Int
        func batch(step: Int, micro: Int) throws -> Batch {
            var batch = try inner.batch(step: step, micro: micro)
            if step == self.step, let i = batch.labels.lastIndex(where: { $0 != -100 }) { batch.labels[i] = label }
            return batch
        }
        var maximumShape: (batch: Int, sequence: Int) { inner.maximumShape }
    }

    static func trainer(_ config: TrainingConfig, directory: String, failingFrom: Int? = nil,
                        relabel: (step: Int, label: Int)? = nil) throws -> Trainer {
        let checkpoint = try HuggingFaceCheckpoint(directory: TrainingPaths.tinyLlama)
        let model = try checkpoint.model { _, w in try FrozenLinear(weight: w, quantization: .qlora) }
        let initial = try LoRAAdapter.load(directory: TrainingPaths.run + "/adapter_init", config: model.config)
        let replay = try ReplayBatches(file: try BatchFile(path: TrainingPaths.batches))
        var batches: any BatchSource = failingFrom.map { FailingBatches(inner: replay, failingFrom: $0) } ?? replay
        if let relabel { batches = RelabelledBatches(inner: replay, step: relabel.step, label: relabel.label) }
        return try Trainer(config: config, model: model, initialAdapter: initial, batches: batches,
                           directory: directory, baseModelName: TrainingPaths.tinyLlama)
    }

    /// What `qlab train --lr 1e6` did: every later loss exactly ln(vocabulary) with a zero gradient, and
    /// "completed". Now the run stops as diverged at the step that shows it, names it, and makes no adapter
    /// of the broken weights; the checkpoints written before stay.
    @Test func aHugeLearningRateStopsTheRunAsDiverged() throws {
        var config = TrainerTests.referenceConfig(steps: 8, checkpointEvery: 1)
        config.optimizer.learningRate = 1e6
        let dir = try TrainingPaths.temporaryDirectory().path
        let summary = try Self.trainer(config, directory: dir).run()
        #expect(summary.status == .diverged, "\(summary.reason)")
        #expect(summary.steps < 8)
        #expect(summary.reason.hasPrefix("step \(summary.steps + 1): "), "\(summary.reason)")
        #expect(summary.adapterDirectory == nil)
        #expect(!FileManager.default.fileExists(atPath: dir + "/adapter"))
        #expect(Trainer.latestCheckpoint(in: dir)?.step == summary.steps)
        let written = try JSONDecoder().decode(TrainingSummary.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json")))
        #expect(written.status == .diverged)
    }

    @Test func divergenceNamesEachCause() {
        let lnV = log(32000.0)
        #expect(Trainer.divergence(loss: .nan, gradNorm: 1, logVocabulary: lnV)?.contains("loss is nan") == true)
        #expect(Trainer.divergence(loss: 2, gradNorm: .infinity, logVocabulary: lnV)?.contains("gradient norm is inf") == true)
        #expect(Trainer.divergence(loss: lnV, gradNorm: 0, logVocabulary: lnV)?.contains("ln(vocabulary)") == true)
        #expect(Trainer.divergence(loss: lnV, gradNorm: 0.5, logVocabulary: lnV) == nil, "a loss near ln(V) that still learns is fine")
        #expect(Trainer.divergence(loss: 2.5, gradNorm: 0, logVocabulary: lnV) == nil)
    }

    /// An error after step 5 (between checkpoints) leaves a checkpoint and an adapter of step 5 and says how
    /// to go on; the same run resumed from it ends with an uninterrupted run's bytes.
    @Test func anErrorMidRunLeavesACheckpointAndAnAdapterOfTheLastStep() throws {
        let config = TrainerTests.referenceConfig(steps: 9, checkpointEvery: 0)
        let straight = try TrainingPaths.temporaryDirectory().path
        _ = try Self.trainer(config, directory: straight).run()
        let dir = try TrainingPaths.temporaryDirectory().path
        do {
            _ = try Self.trainer(config, directory: dir, failingFrom: 5).run()
            Issue.record("the run did not fail")
        } catch let error as TrainingError {
            let text = "\(error)"
            #expect(text.contains("no batch for step 6") && text.contains("stopped after step 5 of 9"), "\(text)")
            #expect(text.contains("run the same command again to resume"), "\(text)")
        }
        #expect(Trainer.latestCheckpoint(in: dir)?.step == 5)
        #expect(FileManager.default.fileExists(atPath: dir + "/adapter/adapter_model.safetensors"))
        // The summary says how the run ended, how far it got and where its work is.
        let failed = try JSONDecoder().decode(TrainingSummary.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json")))
        #expect(failed.status == .failed && failed.steps == 5, "\(failed)")
        #expect(failed.reason.contains("no batch for step 6"), "\(failed.reason)")
        #expect(failed.adapterDirectory == dir + "/adapter")
        let resumed = try Self.trainer(config, directory: dir).run()
        #expect(resumed.status == .completed && resumed.resumedFrom == 5)
        #expect(try TrainerTests.bytes(straight + "/adapter/adapter_model.safetensors") == TrainerTests.bytes(dir + "/adapter/adapter_model.safetensors"))
    }

    /// A label the output layer has no row for (a damaged batch file) is an error at the step that holds it;
    /// the loss reads and writes that label's logit through unchecked pointers, so it used to read the next
    /// row's logit (or past the buffer) and write a gradient there.
    @Test(arguments: [259, 4096, -7])
    func aLabelOutsideTheVocabularyStopsTheRunWithAnError(label: Int) throws {
        let config = TrainerTests.referenceConfig(steps: 4, checkpointEvery: 0)
        let dir = try TrainingPaths.temporaryDirectory().path
        do {
            let summary = try Self.trainer(config, directory: dir, relabel: (step: 2, label: label)).run()
            Issue.record("a run with label \(label) ended \(summary.status)")
        } catch {
            let text = "\(error)"
            #expect(text.contains("label \(label) is outside the vocabulary (0..<259"), "\(text)")
            #expect(text.contains("stopped after step 2 of 4"), "\(text)")
        }
        #expect(Trainer.latestCheckpoint(in: dir)?.step == 2)
    }

    /// What a resumed run reads from a checkpoint is checked with thrown errors that name the file: a state file
    /// cut short, and a trainer_state.json that is not one.
    @Test func aDamagedCheckpointIsAnErrorNamingItsFile() throws {
        let config = TrainerTests.referenceConfig(steps: 4, checkpointEvery: 2)
        let dir = try TrainingPaths.temporaryDirectory().path
        _ = try Self.trainer(config, directory: dir).run(stopAfter: 2)
        let checkpoint = try #require(Trainer.latestCheckpoint(in: dir))
        #expect(checkpoint.step == 2)
        let state = checkpoint.path + "/state.safetensors"
        let whole = try Data(contentsOf: URL(fileURLWithPath: state))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: state))
        do {
            _ = try Self.trainer(config, directory: dir).run()
            Issue.record("a truncated checkpoint was resumed from")
        } catch {
            #expect("\(error)".hasPrefix(state + ": "), "\(error)")
        }
        try whole.write(to: URL(fileURLWithPath: state))
        let trainerState = checkpoint.path + "/trainer_state.json"
        try Data("{\"step\": \"two\"}".utf8).write(to: URL(fileURLWithPath: trainerState))
        do {
            _ = try Self.trainer(config, directory: dir).run()
            Issue.record("a checkpoint with a malformed trainer_state.json was resumed from")
        } catch {
            #expect("\(error)".hasPrefix(trainerState + ": cannot resume from this checkpoint"), "\(error)")
        }
    }

    /// Paged optimizer state bigger than the disk's free space: an error naming the file when it is made,
    /// where a sparse file used to take its blocks only when the kernel wrote the pages back, and a full disk
    /// then killed the process with SIGBUS in the middle of an update. Mounting needs root.
    @Test(.enabled(if: geteuid() == 0, "mounting a small tmpfs needs root"))
    func pagedStateThatDoesNotFitIsAnErrorWhenItIsMade() throws {
        let dir = try TrainingPaths.temporaryDirectory().path
        guard mount("tmpfs", dir, "tmpfs", 0, "size=64k") == 0 else {
            Issue.record("cannot mount a tmpfs at \(dir): \(String(cString: strerror(errno)))")
            return
        }
        defer { umount2(dir, Int32(MNT_DETACH)) }
        do {
            _ = try StateArray(count: 1 << 20, pagedAt: dir + "/optimizer-m.f32")
            Issue.record("4 MiB of state was mapped on a 64 KiB file system")
        } catch let error as FileError {
            #expect(error.isOutOfSpace)
            #expect("\(error)" == "no space left on device writing \(dir)/optimizer-m.f32")
        }
    }
}
