import Datasets
import ExperimentSpec
import Foundation
import Models
import Tokenizers
import Support
import Tensors

#if canImport(Glibc)
import Glibc
#endif

/// A training run: steps of forward, backward, clipping and AdamW over LoRA adapters (or, with
/// `config.fullFineTune`, over every weight of an unquantized model), with a step log, atomic checkpoints,
/// and resumption that ends bit-identical to an uninterrupted run.
///
/// The run directory holds `steps.jsonl` (and the same as columns in `steps.tsv`), `checkpoints/step-NNNNNN/` (adapter, optimizer state,
/// `trainer_state.json`), `adapter/` (the final PEFT adapter; with full fine-tuning, `model/`, a Hugging Face
/// checkpoint, instead) and `summary.json`.
public final class Trainer: @unchecked Sendable {
    /// The configuration.
    public let config: TrainingConfig
    /// The frozen model.
    public let model: LlamaModel
    /// Where everything is written.
    public let directory: String
    /// Name of the base model, written into the adapter's configuration.
    public let baseModelName: String
    let batches: any BatchSource
    let parameters: LoRAParameters
    /// Every weight, in full fine-tuning; nil when training adapters.
    let full: FullParameters?
    /// The flat buffers the optimizer updates: the adapters', or in full fine-tuning every weight's.
    let values: FloatBuffer
    let gradients: FloatBuffer
    let tensorRanges: [Range<Int>]
    let graph: TrainingGraph
    let optimizer: AdamWOptimizer
    let schedule: LearningRateSchedule

    /// Checkpoints kept on disk (older ones are removed once a newer one is complete).
    public var keepCheckpoints = 2
    /// Held-out evaluation run after every `config.evalEvery`-th step and after the last; its loss is
    /// written into that step's record as `eval_loss`.
    public var evaluation: (@Sendable (Trainer) throws -> Double)?
    /// Asked after every step: when it answers true the run writes a checkpoint of that step and returns
    /// (status `stopped`) so that a later run resumes from exactly there. How workers honour SIGTERM.
    public var stopRequested: (@Sendable () -> Bool)?
    /// The model's tokenizer: a fully fine-tuned `model/` carries its files, to load again as a model of its own.
    public var tokenizer: (any Tokenizer)?

    /// Prepares a run of `config` on `model` from `initialAdapter` (nil, and an unquantized model, for full
    /// fine-tuning), reading `batches`, writing into `directory`.
    public init(config: TrainingConfig, model: LlamaModel, initialAdapter: LoRAAdapter?, batches: any BatchSource,
                directory: String, baseModelName: String) throws {
        guard config.steps >= 1 else { throw TrainingError.invalidSetting("steps must be at least 1") }
        guard model.config.family.trainable else {
            throw TrainingError.invalidSetting("training a \(model.config.family) model is not supported")
        }
        // Full fine-tuning keeps LLaMA's weights in one flat buffer; Gemma 3's extra norms and Qwen2's biases have no place there.
        if config.fullFineTune, !model.config.family.fullyTrainable {
            throw TrainingError.invalidSetting("full fine-tuning of a \(model.config.family) model is not supported (LoRA and QLoRA training are)")
        }
        guard config.gradientAccumulation >= 1 else { throw TrainingError.invalidSetting("gradient accumulation must be at least 1") }
        let adapter: LoRAAdapter
        if config.fullFineTune {
            guard config.model.quantization == .none else {
                throw TrainingError.invalidSetting("full fine-tuning trains float32 weights: set the model's quantization to none, not \(config.model.quantization.rawValue)")
            }
            guard initialAdapter == nil else {
                throw TrainingError.invalidSetting("full fine-tuning trains the weights themselves and takes no initial adapter")
            }
            let c = model.config
            adapter = LoRAAdapter(rank: 1, alpha: 1, targets: [], layers: Array(repeating: [:], count: c.numHiddenLayers))
        } else {
            guard let initialAdapter else { throw TrainingError.invalidSetting("LoRA training needs an initial adapter") }
            adapter = initialAdapter
        }
        self.config = config
        self.model = model
        self.directory = directory
        self.baseModelName = baseModelName
        self.batches = batches
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        parameters = LoRAParameters(adapter: adapter, config: model.config)
        let shape = batches.maximumShape
        if config.fullFineTune {
            let full = try FullParameters(model: model)
            self.full = full
            (values, gradients, tensorRanges) = (full.values, full.gradients, full.tensorRanges)
            graph = TrainingGraph(model: model, full: full, batch: shape.batch, sequence: shape.sequence,
                                  checkpointing: config.gradientCheckpointing)
        } else {
            full = nil
            (values, gradients, tensorRanges) = (parameters.values, parameters.gradients, parameters.tensorRanges)
            graph = TrainingGraph(model: model, parameters: parameters, batch: shape.batch, sequence: shape.sequence,
                                  checkpointing: config.gradientCheckpointing)
        }
        optimizer = try AdamWOptimizer(settings: config.optimizer, count: values.count, tensors: tensorRanges,
                                       pagedDirectory: directory)
        schedule = LearningRateSchedule(config.schedule, peak: config.optimizer.learningRate, totalSteps: config.steps)
    }

    var stepsPath: String { directory + "/steps.jsonl" }
    var tablePath: String { directory + "/steps.tsv" }

    /// A `steps.tsv` line: the step log as columns gnuplot reads as they are.
    static func tableLine(_ r: StepLine) -> String {
        String(format: "%d\t%.6f\t%.6e\t%.6f\t%d\t%.4f\n", r.step, r.loss, r.lr, r.gradNorm, r.tokens, r.seconds)
    }
    static let tableHeader = "# step\tloss\tlr\tgrad_norm\ttokens\tseconds\n"

    var checkpointsPath: String { directory + "/checkpoints" }

    /// Key of the dropout masks of one micro-batch: a function of the seed, step and micro-batch only.
    func dropoutKey(step: Int, micro: Int) -> UInt64 {
        var stream = SeededGenerator(seed: config.seed).substream(UInt64(step) &* 1_000_003 &+ UInt64(micro))
        return stream.next()
    }

    /// Runs (or resumes) to `config.steps`; `onStep` sees each step's record as it is written.
    /// `stopAfter` ends the process's work after that step without a final checkpoint or adapter, as a kill
    /// would (tests and time-limited workers use it); the returned summary then says so.
    public func run(stopAfter: Int? = nil, onStep: (StepLine) -> Void = { _ in }) throws -> TrainingSummary {
        let resumedAt = try resumeIfPossible()
        let resumed = resumedAt?.step
        var step = resumed ?? 0
        if resumed == nil {
            try Data().write(to: URL(fileURLWithPath: stepsPath))
            try Data(Self.tableHeader.utf8).write(to: URL(fileURLWithPath: tablePath))
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: stepsPath))
        let table = try FileHandle(forWritingTo: URL(fileURLWithPath: tablePath))
        defer { try? log.close(); try? table.close() }
        try log.seekToEnd()
        try table.seekToEnd()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // A resumed run's last loss is the checkpointed step's until it takes a step of its own.
        var lastLoss: Double? = resumedAt?.lastLoss
        var tokensThisProcess = 0
        var secondsThisProcess = 0.0
        var status = TrainingStatus.completed
        var reason = "all \(config.steps) steps ran"
        let logVocabulary = Foundation.log(Double(model.config.vocabSize))

        do {
            while step < config.steps {
                let started = Date()
                gradients.zero()
                var micro: [Batch] = []
                for m in 0..<config.gradientAccumulation { micro.append(try batches.batch(step: step, micro: m)) }
                let normalizer = micro.reduce(0) { $0 + TrainingGraph.labelTokens($1) }
                guard normalizer > 0 else {
                    throw TrainingError.invalidSetting("step \(step + 1) has no label tokens to learn from (every label is -100)")
                }
                var lossSum = 0.0
                for (m, b) in micro.enumerated() {
                    lossSum += try graph.accumulateGradients(b, normalizer: normalizer, dropoutKey: dropoutKey(step: step, micro: m)).lossSum
                }
                let loss = lossSum / Double(normalizer)
                let norm = GradientClipping.clip(gradients.pointer, count: gradients.count, maxNorm: config.optimizer.maxGradNorm)
                if let what = Self.divergence(loss: loss, gradNorm: norm, logVocabulary: logVocabulary) {
                    status = .diverged
                    reason = "step \(step + 1): \(what); stopped before applying it"
                    break
                }
                let lr = schedule.rate(at: step)
                optimizer.update(parameters: values.pointer, gradients: gradients.pointer, lr: lr)
                let broken = Self.nonFiniteCount(values.pointer, count: values.count)
                guard broken == 0 else {
                    // Nothing of this state is written: the checkpoints on disk stay the last good ones.
                    status = .diverged
                    reason = "step \(step + 1): the update (learning rate \(lr)) made \(broken) of \(values.count) parameters NaN or infinite"
                    break
                }
                step += 1
                let seconds = Date().timeIntervalSince(started)
                let tokens = micro.reduce(0) { $0 + $1.tokenCount }
                tokensThisProcess += tokens
                secondsThisProcess += seconds
                var record = StepLine(step: step, loss: loss, gradNorm: norm, lr: lr, tokens: tokens, seconds: seconds,
                                      extra: [StepLine.tokensPerSecondKey: Double(tokens) / max(seconds, 1e-9),
                                              StepLine.residentMiBKey: ProcessMemory.residentMiB()])
                if let evaluation, (config.evalEvery > 0 && step % config.evalEvery == 0) || step == config.steps {
                    record.evalLoss = try evaluation(self)
                }
                try Self.append(try encoder.encode(record) + Data("\n".utf8), to: log, path: stepsPath)
                try Self.append(Data(Self.tableLine(record).utf8), to: table, path: tablePath)
                lastLoss = loss
                onStep(record)
                // A stop request checkpoints the step it arrives after, so the next run resumes exactly there.
                let stopping = step < config.steps && stopRequested?() == true
                if (config.checkpointEvery > 0 && step % config.checkpointEvery == 0) || step == config.steps || stopping {
                    do { try log.synchronize() } catch { throw Self.fileError(error, path: stepsPath, action: "flushing failed") }
                    try writeCheckpoint(step: step)
                }
                if stopping {
                    return TrainingSummary(status: .stopped, reason: "stopped on request after step \(step) of \(config.steps); checkpoint written",
                                           steps: step, finalLoss: lastLoss,
                                           tokensPerSecond: Double(tokensThisProcess) / max(secondsThisProcess, 1e-9),
                                           peakRSSMiB: ProcessMemory.peakMiB(), resumedFrom: resumed, adapterDirectory: nil)
                }
                if let stopAfter, step >= stopAfter, step < config.steps {
                    return TrainingSummary(status: .completed, reason: "stopped after step \(step) of \(config.steps)", steps: step,
                                           finalLoss: lastLoss, tokensPerSecond: Double(tokensThisProcess) / max(secondsThisProcess, 1e-9),
                                           peakRSSMiB: ProcessMemory.peakMiB(), resumedFrom: resumed, adapterDirectory: nil)
                }
            }
        } catch {
            try? log.synchronize()
            throw saveAfterFailure(error, step: step, resumed: resumed ?? 0, lastLoss: lastLoss,
                                   tokensPerSecond: Double(tokensThisProcess) / max(secondsThisProcess, 1e-9))
        }
        var adapterDirectory: String? = nil, modelDirectory: String? = nil
        if status == .diverged {
            // The weights in memory produced the divergence (or are broken): no adapter is made of them.
            let last = Self.latestCheckpoint(in: directory)
            reason += last.map { "; the last checkpoint, \($0.path), holds step \($0.step)" } ?? "; no checkpoint was written before it"
        } else {
            (adapterDirectory, modelDirectory) = try writeWeights()
        }
        var summary = TrainingSummary(status: status, reason: reason, steps: step, finalLoss: lastLoss,
                                      tokensPerSecond: Double(tokensThisProcess) / max(secondsThisProcess, 1e-9),
                                      peakRSSMiB: ProcessMemory.peakMiB(), resumedFrom: resumed, adapterDirectory: adapterDirectory,
                                      modelDirectory: modelDirectory)
        summary.memory = memoryParts
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(Array(try pretty.encode(summary)), to: directory + "/summary.json")
        return summary
    }

    /// Appends to a log, failing with the log's path and the system's reason (a full disk above all).
    static func append(_ data: Data, to handle: FileHandle, path: String) throws {
        do { try handle.write(contentsOf: data) } catch { throw fileError(error, path: path, action: "write failed") }
    }

    /// A Foundation file error as a `FileError` about `path` (FileHandle's errors name no file).
    static func fileError(_ error: any Error, path: String, action: String) -> any Error {
        if let error = error as? FileError { return error }
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain, ns.code == CocoaError.fileWriteOutOfSpace.rawValue {
            return FileError(path: path, action: action, code: ENOSPC)
        }
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return FileError(path: path, action: action, code: Int32(posix.code))
        }
        if ns.domain == NSPOSIXErrorDomain { return FileError(path: path, action: action, code: Int32(ns.code)) }
        return FileError(path: path, message: "\(action): \(error.localizedDescription)")
    }

    /// Writes the trained weights: `adapter/`, or in full fine-tuning `model/`; returns which.
    func writeWeights() throws -> (adapter: String?, model: String?) {
        if let full {
            let path = directory + "/model"
            try AdapterMerge.write(model: full.model(), adapter: nil, to: path, type: .float32, tokenizer: tokenizer)
            return (nil, path)
        }
        let path = directory + "/adapter"
        try parameters.adapter().save(directory: path, baseModel: baseModelName, config: model.config)
        return (path, nil)
    }

    /// After an error in the middle of a run: a checkpoint and the weights of the last completed step, so
    /// that neither the work done nor the way back is lost. Returns the error to throw.
    /// The summary says `failed`, with the error, what was kept and how far the run got.
    func saveAfterFailure(_ error: any Error, step: Int, resumed: Int, lastLoss: Double? = nil, tokensPerSecond: Double = 0) -> any Error {
        guard step > resumed else { return error }
        let stopped: TrainingError
        var written: (adapter: String?, model: String?) = (nil, nil)
        do {
            if Self.latestCheckpoint(in: directory)?.step != step { try writeCheckpoint(step: step) }
            written = try writeWeights()
            stopped = TrainingError.stoppedByError(step: step, of: config.steps, checkpoint: checkpointsPath + String(format: "/step-%06d", step),
                                                   weights: written.adapter ?? written.model ?? directory, cause: "\(error)")
        } catch let saving {
            stopped = TrainingError.stoppedByError(step: step, of: config.steps, checkpoint: nil, weights: nil,
                                                   cause: "\(error); saving step \(step) failed too: \(saving)")
        }
        let summary = TrainingSummary(status: .failed, reason: "\(stopped)", steps: step, finalLoss: lastLoss, tokensPerSecond: tokensPerSecond,
                                      peakRSSMiB: ProcessMemory.peakMiB(), resumedFrom: resumed > 0 ? resumed : nil,
                                      adapterDirectory: written.adapter, modelDirectory: written.model)
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted, .sortedKeys]
        // The error itself is what matters; a summary that cannot be written (a full disk) must not replace it.
        if let data = try? pretty.encode(summary) { try? AtomicFile.write(Array(data), to: directory + "/summary.json") }
        return stopped
    }

    /// What makes a step's numbers a divergence, in words; nil when they are sound.
    ///
    /// Besides NaN and infinity: a loss of exactly ln(vocabulary) with a zero gradient is a model whose
    /// activations overflowed into uniform logits; it learns nothing and every later step looks the same.
    static func divergence(loss: Double, gradNorm: Double, logVocabulary: Double) -> String? {
        if !loss.isFinite { return "the loss is \(loss)" }
        if !gradNorm.isFinite { return "the gradient norm is \(gradNorm) (NaN or infinite gradients or activations)" }
        if gradNorm == 0, abs(loss - logVocabulary) <= 1e-6 * logVocabulary {
            return String(format: "the loss is ln(vocabulary) = %.6f with a zero gradient (the activations overflowed to uniform predictions)", loss)
        }
        return nil
    }

    /// How many of `count` floats at `pointer` are NaN or infinite.
    static func nonFiniteCount(_ pointer: UnsafeMutablePointer<Float>, count: Int) -> Int {
        var bad = 0
        for i in 0..<count where !pointer[i].isFinite { bad += 1 }
        return bad
    }

    /// The state a checkpoint records besides tensors.
    struct TrainerState: Codable {
        var step: Int
        var seed: UInt64
        var optimizerStep: Int
        var parameterCount: Int
        /// Absent in checkpoints written before full fine-tuning existed (they are LoRA ones).
        var fullFineTune: Bool? = nil
    }

    /// Writes `checkpoints/step-NNNNNN/` atomically: into a temporary folder, renamed when complete.
    func writeCheckpoint(step: Int) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: checkpointsPath, withIntermediateDirectories: true)
        let name = String(format: "step-%06d", step)
        let final = checkpointsPath + "/" + name
        let temporary = checkpointsPath + "/." + name + ".tmp"
        try? fm.removeItem(atPath: temporary)
        do {
            try fm.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            // A full fine-tuning checkpoint keeps the weights in `values` only: the final `model/` is written at the end.
            if full == nil {
                try parameters.adapter().save(directory: temporary + "/adapter", baseModel: baseModelName, config: model.config)
            }
            try SafeTensorsWriter.write([("values", .float32(values.array, shape: [values.count]))] + optimizer.stateTensors(),
                                        to: temporary + "/state.safetensors")
            let state = TrainerState(step: step, seed: config.seed, optimizerStep: optimizer.step, parameterCount: values.count,
                                     fullFineTune: config.fullFineTune)
            try AtomicFile.write(Array(try JSONEncoder().encode(state)), to: temporary + "/trainer_state.json")
        } catch {
            // On a full disk the half-written checkpoint holds the space the run's failure report needs.
            try? fm.removeItem(atPath: temporary)
            throw Self.fileError(error, path: temporary, action: "writing the checkpoint failed")
        }
        try? fm.removeItem(atPath: final)
        try fm.moveItem(atPath: temporary, toPath: final)
        // The rename lives in checkpoints/: flushed, so that a crash cannot lose a checkpoint a later run resumes from.
        try AtomicFile.syncDirectory(checkpointsPath, for: final)
        // Only the names this trainer writes (step- and six digits): nothing else in the folder is its to remove.
        let old = try fm.contentsOfDirectory(atPath: checkpointsPath).filter(Self.isCheckpointName).sorted().dropLast(keepCheckpoints)
        for o in old { try? fm.removeItem(atPath: checkpointsPath + "/" + o) }
    }

    /// `step-NNNNNN`, the name of a checkpoint folder this trainer writes.
    static func isCheckpointName(_ name: String) -> Bool {
        name.count == 11 && name.hasPrefix("step-") && name.dropFirst(5).allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Removes what only resuming a run in `directory` needs, once it is finished: the checkpoints and the paged
    /// optimizer state. The adapter (or trained model) and the step log stay. Returns the bytes freed.
    @discardableResult
    public static func removeResumeState(in directory: String) -> Int64 {
        let fm = FileManager.default
        var freed: Int64 = 0
        for name in ["checkpoints"] + AdamWOptimizer.pagedFiles {
            let path = directory + "/" + name
            guard fm.fileExists(atPath: path) else { continue }
            freed += Self.bytes(at: path)
            try? fm.removeItem(atPath: path)
        }
        return freed
    }

    private static func bytes(at path: String) -> Int64 {
        let fm = FileManager.default
        guard let enumerator = fm.enumerator(atPath: path) else {
            return ((try? fm.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
        }
        var total: Int64 = 0
        while let relative = enumerator.nextObject() as? String {
            let attributes = try? fm.attributesOfItem(atPath: path + "/" + relative)
            if attributes?[.type] as? FileAttributeType == .typeRegular { total += (attributes?[.size] as? NSNumber)?.int64Value ?? 0 }
        }
        return total
    }

    /// The newest complete checkpoint's step, or nil.
    public static func latestCheckpoint(in directory: String) -> (step: Int, path: String)? {
        let dir = directory + "/checkpoints"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return nil }
        let complete = names.filter { $0.hasPrefix("step-") && FileManager.default.fileExists(atPath: dir + "/" + $0 + "/trainer_state.json") }
        guard let last = complete.sorted().last, let step = Int(last.dropFirst(5)) else { return nil }
        return (step, dir + "/" + last)
    }

    /// Restores parameters, optimizer and step from the newest checkpoint, and cuts the step log back to it;
    /// returns that step and the loss the log kept for it.
    func resumeIfPossible() throws -> (step: Int, lastLoss: Double?)? {
        guard let (step, path) = Self.latestCheckpoint(in: directory) else { return nil }
        let state: TrainerState
        do {
            state = try JSONDecoder().decode(TrainerState.self, from: Data(contentsOf: URL(fileURLWithPath: path + "/trainer_state.json")))
        } catch {
            throw TrainingError.checkpointMismatch(path: path + "/trainer_state.json", reason: "not a trainer state (\(error))")
        }
        guard state.parameterCount == values.count, state.seed == config.seed, (state.fullFineTune ?? false) == config.fullFineTune else {
            throw TrainingError.checkpointMismatch(path: path, reason: "it was written by a run with another configuration")
        }
        let file = try SafeTensorsFile(path: path + "/state.safetensors")
        let saved = try file.floats("values")
        guard saved.count == values.count else {
            throw TrainingError.checkpointMismatch(path: path, reason: "holds \(saved.count) parameters, the run has \(values.count)")
        }
        saved.withUnsafeBufferPointer { values.pointer.update(from: $0.baseAddress!, count: saved.count) }
        try optimizer.restore(from: file)
        // Keep the log's complete lines up to the checkpoint; later ones belong to work that is redone.
        let text = (try? String(contentsOfFile: stepsPath, encoding: .utf8)) ?? ""
        var kept: [Substring] = []
        var rows = Self.tableHeader
        var lastLoss: Double? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let record = try? JSONDecoder().decode(StepLine.self, from: Data(line.utf8)), record.step <= step else { continue }
            kept.append(line)
            rows += Self.tableLine(record)
            lastLoss = record.loss
        }
        try AtomicFile.write(Array((kept.joined(separator: "\n") + (kept.isEmpty ? "" : "\n")).utf8), to: stepsPath)
        try AtomicFile.write(Array(rows.utf8), to: tablePath)
        return (step, lastLoss)
    }

    /// Mean loss over every label token of `batches` (no dropout, no gradients).
    public func evaluate(_ batches: [Batch]) throws -> (loss: Double, tokens: Int) {
        var sum = 0.0, count = 0
        for b in batches {
            let r = try graph.evaluate(b)
            sum += r.lossSum
            count += r.labelTokens
        }
        return (count > 0 ? sum / Double(count) : .nan, count)
    }

    /// Number of trainable parameters.
    public var parameterCount: Int { values.count }

    /// The adapter as it is now (one on no projection in full fine-tuning).
    public var adapter: LoRAAdapter { parameters.adapter() }

    /// The model as trained so far: in full fine-tuning a copy of the current weights, else the frozen model.
    public var trainedModel: LlamaModel { full?.model() ?? model }
}

/// Why a run could not start or go on.
public enum TrainingError: Error, CustomStringConvertible, Sendable {
    /// A setting that cannot work.
    case invalidSetting(String)
    /// A checkpoint that does not belong to this run.
    case checkpointMismatch(path: String, reason: String)
    /// An error after `step` completed steps; the checkpoint and weights of that step, when they could be saved.
    case stoppedByError(step: Int, of: Int, checkpoint: String?, weights: String?, cause: String)

    public var description: String {
        switch self {
        case .invalidSetting(let s): s
        case .checkpointMismatch(let path, let reason): "\(path): cannot resume from this checkpoint: \(reason)"
        case .stoppedByError(let step, let total, let checkpoint, let weights, let cause):
            if let checkpoint, let weights {
                "\(cause)\nstopped after step \(step) of \(total): \(checkpoint) and \(weights) hold that step; "
                    + "fix the cause and run the same command again to resume from it"
            } else {
                "\(cause)\nstopped after step \(step) of \(total); running the same command again resumes from the last checkpoint"
            }
        }
    }
}
