import Datasets
import Evaluation
import ExperimentSpec
import Foundation
import Lineage
import Models
import Quantization
import Support
import Tensors
import Training

/// Runs one cell in this process: trains, evaluates, and writes the cell directory that the store is built
/// from (`config.json`, `run.json`, `steps.jsonl`, `metrics.json`, `artifacts.json`, the adapter, a log).
///
/// Never writes the store: a coordinator ingests the directory, which is what lets cells run on other
/// machines. A directory whose run was killed is resumed from its last checkpoint as a new run whose
/// parent is the killed one.
public struct CellWorker: Sendable {
    /// The cell.
    public let entry: CellManifest.Entry
    /// The runs root.
    public let runsRoot: String
    /// BLAS threads.
    public let threads: Int
    /// `local` or `slurm`.
    public let executor: String
    /// Keep the checkpoints and the paged optimizer state once the cell has succeeded.
    public let keepCheckpoints: Bool

    /// A worker for `entry` under `runsRoot`.
    public init(entry: CellManifest.Entry, runsRoot: String, threads: Int, executor: String = "local", keepCheckpoints: Bool = false) {
        self.entry = entry
        self.runsRoot = runsRoot
        self.threads = threads
        self.executor = executor
        self.keepCheckpoints = keepCheckpoints
    }

    /// The cell's directory.
    public var directory: CellDirectory { CellDirectory(url: URL(fileURLWithPath: runsRoot).appendingPathComponent(entry.directory)) }

    /// Runs the cell; `say` receives progress lines (the worker's log). Returns the final metrics.
    @discardableResult
    public func run(say: @escaping @Sendable (String) -> Void) throws -> [String: Double] {
        try checkPlacement()
        let dir = directory
        try dir.create()
        try dir.checkNoLinks()
        // Held until this process ends: a second worker on the same cell would share its memory-mapped
        // optimizer state, step log and checkpoint folders.
        let claim: CellClaim
        switch try CellClaim.take(directory: dir.url) {
        case .claimed(let c): claim = c
        case .heldElsewhere(let holder): throw RunnerError.cellClaimed(cell: entry.cell, holder: holder)
        }
        return try withExtendedLifetime(claim) { try runClaimed(dir, say: say) }
    }

    /// The adapter at `path` to continue training from, which must have the cell's LoRA shape: the configuration
    /// (which the id hashes) is the truth about what the cell trains, so an adapter of another shape is an error,
    /// not a silent change of the cell's settings.
    static func startingAdapter(_ path: String, config: TrainingConfig, model: LlamaConfig) throws -> LoRAAdapter {
        var adapter = try LoRAAdapter.load(directory: path, config: model)
        let wanted = (rank: config.lora.rank, alpha: config.lora.alpha, targets: config.lora.targets.map(\.projection).sorted(),
                      rslora: config.lora.useRSLoRA)
        let found = (rank: adapter.rank, alpha: adapter.alpha, targets: adapter.targets.sorted(), rslora: adapter.useRSLoRA)
        guard wanted.rank == found.rank, wanted.alpha == found.alpha, wanted.targets == found.targets, wanted.rslora == found.rslora else {
            throw RunnerError.cellFailed(cell: "", reason: "the adapter \(path) has r \(found.rank), alpha \(found.alpha), targets "
                + "\(found.targets.map(\.rawValue).joined(separator: ",")), rsLoRA \(found.rslora); the cell's settings say r \(wanted.rank), "
                + "alpha \(wanted.alpha), targets \(wanted.targets.map(\.rawValue).joined(separator: ",")), rsLoRA \(wanted.rslora): "
                + "set lora.* to the adapter's shape")
        }
        // Dropout is a training setting, not a property of the weights: the cell's.
        adapter.dropout = config.lora.dropout
        return adapter
    }

    /// Throws unless the cell's folder is inside the runs root and nothing on the way to it, or in it, is a link:
    /// checked before anything is written there (the worker's log included).
    public func checkPlacement() throws {
        if let problem = entry.placementProblem { throw RunnerError.cellFailed(cell: entry.cell, reason: problem) }
        try Self.refuseLinks(below: URL(fileURLWithPath: runsRoot).standardizedFileURL, to: directory)
        try directory.checkNoLinks()
    }

    /// Throws if a folder between the runs root and the cell directory is a link: the cell's writes and removals
    /// would land wherever it points. (The runs root itself may be a link, to another disk, say.)
    static func refuseLinks(below root: URL, to dir: CellDirectory) throws {
        var path = root.path
        for part in dir.url.path.dropFirst(root.path.count).split(separator: "/") {
            path += "/" + part
            var info = stat()
            if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
                throw LineageError.fileAccess(path: path, message: "is a symbolic link; qlab follows no links inside the runs folder")
            }
        }
    }

    private func runClaimed(_ dir: CellDirectory, say: @escaping @Sendable (String) -> Void) throws -> [String: Double] {
        var parent = entry.parentRun
        if let previous = try? dir.readRun() {
            if previous.status == .succeeded, entry.parentRun == nil {
                say("cell \(entry.cell) already succeeded in run \(previous.id); nothing to do")
                return (try? dir.readMetrics())?.metrics ?? [:]
            }
            // A killed or failed attempt: this run continues it from its checkpoint.
            if previous.status != .succeeded { parent = previous.id }
        }
        let config = entry.config
        let version = CodeVersion.current()
        // Changing OpenBLAS's thread count while another thread of this process is inside BLAS corrupts its
        // buffers: a worker in a process that already runs that many threads leaves the setting alone.
        if BLAS.threads != threads { BLAS.threads = threads }
        var run = RunFile(
            id: UUID().uuidString.lowercased(), experiment: entry.experiment, cell: entry.cell,
            axisValues: GridRunner.axisValuesObject(entry.axes),
            status: .running, started: Date(), gitCommit: version.commit, gitDirty: version.dirty,
            hostname: ProcessInfo.processInfo.hostName, pid: getpid(), blasCore: MatmulBackend.recordedKernel, threads: threads,
            seed: config.seed, parentRun: parent, executor: executor, log: "cell.log",
            inputs: entry.inputs.map { InputEntry(role: InputRole(rawValue: $0.role) ?? .dataset, path: $0.path, sha256: $0.sha256) })
        try dir.writeConfig(entry.canonicalConfig)
        try dir.writeRun(run)
        do {
            let metrics = try trainAndEvaluate(config: config, directory: dir.url.path, version: version, say: say)
            try dir.writeMetrics(FinalMetricsFile(metrics: metrics))
            try dir.writeArtifacts(try artifacts(in: dir.url.path))
            run.status = .succeeded
            run.ended = Date()
            run.exitReason = "completed \(config.steps) steps"
            try dir.writeRun(run)
            // Only after the success is recorded: a cell killed before that resumes from its final checkpoint.
            if !keepCheckpoints {
                let freed = Trainer.removeResumeState(in: dir.url.path)
                if freed > 0 { say(String(format: "removed the checkpoints and optimizer state (%.0f MB): the cell is done", Double(freed) / 1e6)) }
            }
            return metrics
        } catch let stop as CellStopped {
            run.status = .interrupted
            run.ended = Date()
            run.exitReason = stop.reason
            try? dir.writeRun(run)
            throw RunnerError.cellInterrupted(cell: entry.cell, reason: stop.reason)
        } catch let diverged as CellDiverged {
            run.status = .diverged
            run.ended = Date()
            run.exitReason = "diverged: \(diverged.reason)"
            try? dir.writeRun(run)
            throw RunnerError.cellDiverged(cell: entry.cell, reason: diverged.reason)
        } catch {
            run.status = .failed
            run.ended = Date()
            run.exitReason = "\(error)"
            try? dir.writeRun(run)
            throw RunnerError.cellFailed(cell: entry.cell, reason: "\(error)")
        }
    }

    private func trainAndEvaluate(config: TrainingConfig, directory: String, version: CodeVersion,
                                  say: @escaping @Sendable (String) -> Void) throws -> [String: Double] {
        let location = try ModelLocation.resolve(config.model.name)
        let quantization = config.model.weightQuantization
        let started = Date()
        let loaded = try ModelLoader.load(location, quantization: quantization, compute: config.model.computePrecision)
        guard let tokenizer = loaded.tokenizer else { throw RunnerError.cellFailed(cell: entry.cell, reason: "\(location.path) has no tokenizer") }
        say(String(format: "loaded %@ (%@) in %.1f s", location.path, config.model.quantization.rawValue, Date().timeIntervalSince(started)))
        let catalog = try DatasetCatalog.locate()
        let bundle = try DataBundle.load(config.data, tokenizer: tokenizer, catalog: catalog)
        let source = try bundle.batchSource(for: config)
        say("data: \(bundle.train.count) training and \(bundle.eval.count) held-out examples")
        for warning in bundle.warnings { say("warning: " + warning) }
        // Full fine-tuning trains the weights themselves: no adapter.
        let adapter: LoRAAdapter?
        if config.fullFineTune {
            adapter = nil
        } else if let start = config.model.adapter {
            adapter = try Self.startingAdapter(start, config: config, model: loaded.model.config)
            say("starting from the adapter \(start)")
        } else {
            adapter = LoRAAdapter.initialized(config: loaded.model.config, rank: config.lora.rank, alpha: config.lora.alpha,
                                              dropout: config.lora.dropout, useRSLoRA: config.lora.useRSLoRA,
                                              targets: config.lora.targets.map(\.projection), seed: config.seed)
        }
        let trainer = try Trainer(config: config, model: loaded.model, initialAdapter: adapter, batches: source,
                                  directory: directory, baseModelName: config.model.name)
        trainer.tokenizer = tokenizer
        // The cell's own configuration, which its id hashes and config.json records: what --set or an Axis
        // changed there is what is measured.
        let evaluation = config.evaluation
        // Set up before training: a cell whose held-out split has nothing to score fails at once.
        let (heldOutExamples, heldOut) = try CellEvaluation.heldOutSet(
            evaluation.heldOutLoss, bundle: bundle, settings: config.data, tokenizer: tokenizer, catalog: catalog,
            batchSize: max(1, config.batchSize / config.gradientAccumulation))
        let heldOutMemo = HeldOutMemo()
        if evaluation.heldOutLoss != nil, !heldOut.isEmpty {
            trainer.evaluation = { t in
                let start = Date()
                let (loss, tokens) = try t.evaluate(heldOut)
                heldOutMemo.record(tokens: tokens, seconds: Date().timeIntervalSince(start))
                return loss
            }
        }
        trainer.stopRequested = { StopSignal.pending != nil }
        // Seconds per part of the cell, so that a user sees where its time goes (timing metrics: a rerun may differ).
        var seconds: [String: Double] = [:]
        func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
            let start = Date()
            defer { seconds["seconds_" + name, default: 0] += Date().timeIntervalSince(start) }
            return try body()
        }
        // Step 0: the base alone, before any update (what a quantized storage type costs before fine-tuning).
        var baseMetrics: [String: Double] = [:]
        for p in evaluation.perplexity where p.at.contains(.base) {
            // Another seed of the same base measured it already (a rerun measures it again).
            let memo = entry.parentRun == nil
                ? try BasePerplexityMemo(runsRoot: runsRoot, config: config, perplexity: p, inputs: entry.inputs, threads: threads, code: version)
                : nil
            let value: BasePerplexityMemo.Value
            if let kept = memo?.read() {
                value = kept
                seconds["seconds_" + p.metric(at: .base)] = 0
                say(String(format: "perplexity of the base on %@: %.4f over %d tokens (measured by an earlier cell on the same base, code and kernel)",
                           p.name, value.perplexity, value.tokens))
            } else {
                let tally = try timed(p.metric(at: .base)) {
                    try CellEvaluation.perplexity(p, model: loaded.model, adapter: nil, tokenizer: tokenizer, modelName: location.path)
                }
                value = BasePerplexityMemo.Value(perplexity: tally.perplexity, tokens: tally.tokens)
                try memo?.write(value)
                say(String(format: "perplexity of the base on %@: %.4f over %d tokens", p.name, value.perplexity, value.tokens))
            }
            baseMetrics[p.metric(at: .base)] = value.perplexity
            baseMetrics[p.metric(at: .base) + "_tokens"] = Double(value.tokens)
            try checkStop("after the base perplexity")
        }
        baseMetrics.merge(try measureBenchmarks(.base, config: config, model: loaded.model, adapter: nil, tokenizer: tokenizer, location: location,
                                                catalog: catalog, directory: directory, version: version, seconds: &seconds, say: say)) { a, _ in a }
        if !evaluation.benchmarks.isEmpty { try checkStop("after the base benchmarks") }
        if let tournament = evaluation.tournament, tournament.includeBase {
            try writeBaseAnswers(tournament, config: config, model: loaded.model, tokenizer: tokenizer, catalog: catalog,
                                 directory: directory, version: version, seconds: &seconds, say: say)
            try checkStop("after the base's tournament answers")
        }
        let total = config.steps
        let summary = try timed("train") { try trainer.run { r in
            var line = String(format: "step %d/%d loss %.4f lr %.2e grad_norm %.3f %.0f tok/s", r.step, total, r.loss, r.lr, r.gradNorm, r.tokensPerSecond)
            if let e = r.evalLoss {
                line += String(format: " eval_loss %.4f", e)
                if r.step == total { heldOutMemo.finalLoss = e }
            }
            say(line)
        } }
        if summary.status == .stopped {
            let signal = StopSignal.pending.map(StopSignal.name) ?? "a stop request"
            say("\(signal) received: \(summary.reason)")
            throw CellStopped(reason: "\(signal) after step \(summary.steps) of \(total); resumes from its checkpoint on the next run")
        }
        if summary.status == .diverged { throw CellDiverged(reason: summary.reason) }
        guard summary.status == .completed else { throw RunnerError.cellFailed(cell: entry.cell, reason: summary.reason) }
        try checkStop("after training")
        var metrics: [String: Double] = [
            "train_loss": Self.trainLoss(steps: (try? CellDirectory(url: URL(fileURLWithPath: directory)).readSteps().steps) ?? [],
                                         fallback: summary.finalLoss),
            "tokens_per_second": summary.tokensPerSecond,
            "peak_rss_mib": summary.peakRSSMiB,
            "steps": Double(summary.steps),
            "trainable_parameters": Double(trainer.parameterCount),
        ]
        metrics.merge(trainer.memoryParts.metricsMiB) { a, _ in a }
        metrics.merge(baseMetrics) { a, _ in a }
        if evaluation.heldOutLoss != nil, !heldOut.isEmpty {
            // The trainer evaluates after its last step on the same weights: that value, when this process trained
            // the last step, is the final one (a cell resumed from its final checkpoint measures it afresh).
            let (loss, tokens) = try heldOutMemo.finalLoss.map { ($0, heldOutMemo.tokens) }
                ?? timed("eval_loss") { try trainer.evaluate(heldOut) }
            metrics["eval_loss"] = loss
            metrics["eval_perplexity"] = exp(loss)
            metrics["eval_tokens"] = Double(tokens)
            metrics["eval_examples"] = Double(heldOutExamples.count)
        }
        // The weights as trained (full fine-tuning), or the frozen base under the adapter.
        let trained = trainer.trainedModel
        try checkStop("before the evaluations")
        for p in evaluation.perplexity where p.at.contains(.trained) {
            let tally = try timed(p.metric(at: .trained)) {
                try CellEvaluation.perplexity(p, model: trained, adapter: config.fullFineTune ? nil : trainer.adapter,
                                              tokenizer: tokenizer, modelName: location.path)
            }
            metrics[p.metric(at: .trained)] = tally.perplexity
            metrics[p.metric(at: .trained) + "_tokens"] = Double(tally.tokens)
            say(String(format: "perplexity after training on %@: %.4f over %d tokens", p.name, tally.perplexity, tally.tokens))
        }
        metrics.merge(try measureBenchmarks(.trained, config: config, model: trained, adapter: config.fullFineTune ? nil : trainer.adapter,
                                            tokenizer: tokenizer, location: location, catalog: catalog, directory: directory,
                                            version: version, seconds: &seconds, say: say)) { a, _ in a }
        for task in evaluation.exactAnswers {
            let result = try timed("exact_\(task.task.rawValue)") {
                try CellEvaluation.exactAnswers(task: task, model: trained, adapter: trainer.adapter, tokenizer: tokenizer,
                                                catalog: catalog, settings: config.data)
            }
            metrics["exact_\(task.task.rawValue)"] = result.accuracy
            metrics["exact_\(task.task.rawValue)_asked"] = Double(result.asked)
            try result.write(to: directory + "/answers-\(task.task.rawValue).jsonl")
            say("exact answers on \(task.task.rawValue) (\(task.dataset)): \(result.correct)/\(result.asked)")
        }
        for set in evaluation.multipleChoice {
            let path = try catalog.resolve(set.dataset).eval ?? catalog.resolve(set.dataset).train
            let name = URL(fileURLWithPath: set.dataset).deletingPathExtension().lastPathComponent
            let result = try timed("choice_\(name)") {
                try MultipleChoiceEvaluation.evaluate(try MultipleChoiceEvaluation.read(path: path), limit: set.examples,
                                                      model: trained, adapter: trainer.adapter, tokenizer: tokenizer)
            }
            metrics["choice_\(name)"] = result.accuracy
            metrics["choice_\(name)_asked"] = Double(result.asked)
            say("multiple choice on \(set.dataset): \(result.correct)/\(result.asked)")
        }
        try checkStop("before the tournament answers")
        if let tournament = evaluation.tournament {
            let answers = try timed("tournament_answers") {
                try TournamentAnswer.generate(tournament: tournament, settings: config.data, catalog: catalog,
                                              model: trained, adapter: trainer.adapter, tokenizer: tokenizer)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let lines = try answers.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
            try AtomicFile.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: directory + "/" + TournamentAnswer.fileName)
            say("tournament answers: \(answers.count) prompts")
        }
        // Held-out evaluations made during training count as evaluation time, not training time.
        if heldOutMemo.seconds > 0 {
            seconds["seconds_train", default: 0] -= heldOutMemo.seconds
            seconds["seconds_eval_loss", default: 0] += heldOutMemo.seconds
        }
        metrics.merge(seconds) { a, _ in a }
        say("seconds: " + seconds.keys.sorted().map { "\($0.dropFirst("seconds_".count)) \(String(format: "%.1f", seconds[$0]!))" }.joined(separator: ", "))
        return metrics
    }

    /// Ends the cell as interrupted when a stop signal has arrived (training is complete and checkpointed).
    private func checkStop(_ moment: String) throws {
        if let signal = StopSignal.pending {
            throw CellStopped(reason: "\(StopSignal.name(signal)) \(moment); the next run resumes from the final checkpoint")
        }
    }

    /// The training loss a cell reports: the mean over the last 10% of its steps (at least one step), read from its
    /// step log, which a resumed run continues. The last step alone is one batch of a few examples: its loss says
    /// more about that batch than about the run. A step logged twice (redone after a resume) counts once, as redone.
    static func trainLoss(steps: [StepLine], fallback: Double?) -> Double {
        var byStep: [Int: Double] = [:]
        for s in steps { byStep[s.step] = s.loss }
        guard let last = byStep.keys.max() else { return fallback ?? .nan }
        let count = max(1, Int((Double(last) * 0.1).rounded(.up)))
        let tail = (max(1, last - count + 1)...last).compactMap { byStep[$0] }
        return tail.isEmpty ? fallback ?? .nan : tail.reduce(0, +) / Double(tail.count)
    }

    /// Hashes of the files the cell produced, relative to its directory.
    private func artifacts(in directory: String) throws -> [ArtifactEntry] {
        var entries: [ArtifactEntry] = []
        let files: [(String, ArtifactKind)] = [
            ("adapter/adapter_model.safetensors", .adapter), ("adapter/adapter_config.json", .adapter),
            ("model/model.safetensors", .checkpoint), ("model/config.json", .checkpoint),
            ("config.json", .config), ("steps.jsonl", .log), ("cell.log", .log), ("summary.json", .evaluation),
        ]
        let extra = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("answers-") || $0 == TournamentAnswer.fileName }.sorted().map { ($0, ArtifactKind.evaluation) }
        for (relative, kind) in files + extra {
            let path = directory + "/" + relative
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { continue }
            entries.append(ArtifactEntry(path: relative, kind: kind, sha256: try InputHashes.hash(path: path),
                                         bytes: (attributes[.size] as? NSNumber)?.int64Value))
        }
        return entries
    }
}

/// A cell that stopped on a signal, with its checkpoint written.
struct CellStopped: Error {
    var reason: String
}

/// What the trainer's held-out evaluations measured: the loss after the last step and the time they took.
final class HeldOutMemo: @unchecked Sendable {
    // Written by the trainer's evaluation callback and read after `run` returns, on the same thread.
    var finalLoss: Double?
    var tokens = 0
    var seconds = 0.0

    func record(tokens: Int, seconds: Double) {
        self.tokens = tokens
        self.seconds += seconds
    }
}

/// A cell whose training diverged, with its last good checkpoint kept.
struct CellDiverged: Error {
    var reason: String
}
