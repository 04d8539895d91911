import Support
import ArgumentParser
import Datasets
import ExperimentSpec
import Foundation
import Models
import Tensors
import Training

/// `qlab train`: one training run outside a grid.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train LoRA adapters on a frozen 4-bit base model (one run, outside a grid).",
        discussion: """
            Settings come from --config (a TrainingConfig JSON file) when given, then from the flags, which win.
            With --init-adapter the LoRA shape (r, lora_alpha, lora_dropout, target_modules, use_rslora) comes from \
            its adapter_config.json. With --batches, pre-tokenized batches are replayed one per step (the layout \
            of a reference run: stepNNN_input_ids, stepNNN_attention_mask, stepNNN_labels), so a run of another \
            implementation can be reproduced step by step. A flag's default is the value a new configuration has; \
            with --config, the file's value takes its place.

            The output directory receives steps.jsonl (one JSON object per optimizer step), steps.tsv (the same \
            columns for gnuplot), checkpoints/, adapter/ (PEFT layout) and summary.json. Running the same command \
            again resumes from the newest checkpoint.

            With --full-fine-tune (and --dtype none) every weight is trained in float32 instead of adapters, and the \
            result is model/, a Hugging Face checkpoint (config.json, model.safetensors).

            With --data NAME|FILE.jsonl instead of --batches, the run trains on a dataset in any supported format \
            with the grid's collator, length-grouped batches and the seeded evaluation split; --eval-every N \
            measures the held-out loss (a seeded sample of held-out examples reaching --eval-tokens scored tokens, \
            or the whole split when smaller) every N steps and at the end. qlab eval --config OUT/config.json \
            --adapter OUT/adapter then scores the whole split with the same settings.
            """
    )

    @Option(help: "Base model: a short name (smollm2-135m), a checkpoint directory or a .gguf file.")
    var model: String = "smollm2-135m"

    @Option(help: "Output directory.")
    var out: String

    @Option(help: "A TrainingConfig JSON file to start from.")
    var config: String?

    @Option(help: "Replay pre-tokenized batches from this safetensors file (one batch per step).")
    var batches: String?

    @OptionGroup var dataOptions: DataOptions
    @Option(help: "Held-out evaluation every N steps with --data (0: only at the end). (default: \(Self.defaults.evalEvery))") var evalEvery: Int?
    @Option(help: "Held-out loss over held-out examples reaching this many scored tokens (0: the whole split). (default: evaluation.heldOutLoss.minTokens of --config, else \(HeldOutLoss().minTokens))")
    var evalTokens: Int?

    @Option(help: "Start from this PEFT adapter directory (its LoRA settings win over the flags).")
    var initAdapter: String?

    // `.unconditional` so that `--steps -1` is read as a number (and refused as one), not as a missing value.
    @Option(parsing: .unconditional, help: "Optimizer steps. (default: \(Self.defaults.steps))") var steps: Int?
    @Option(help: "Peak learning rate. (default: \(Self.defaults.optimizer.learningRate))") var lr: Double?
    @Option(help: "Global gradient-norm clip (0: none). (default: \(Self.defaults.optimizer.maxGradNorm))") var maxGradNorm: Double?
    @Option(help: "Decoupled weight decay. (default: \(Self.defaults.optimizer.weightDecay))") var weightDecay: Double?
    @Option(help: "Adam beta1. (default: \(Self.defaults.optimizer.beta1))") var beta1: Double?
    @Option(help: "Adam beta2. (default: \(Self.defaults.optimizer.beta2))") var beta2: Double?
    @Option(help: "Adam epsilon. (default: \(Self.defaults.optimizer.epsilon))") var epsilon: Double?
    @Option(help: "Schedule: constant, constant-with-warmup, linear or cosine. (default: \(Self.defaults.schedule.kind.rawValue))") var schedule: ScheduleKind?
    @Option(help: "Warm-up steps. (default: \(Self.defaults.schedule.warmupSteps))") var warmupSteps: Int?
    @Option(help: "Optimizer: adamw, paged-adamw or adamw-8bit. (default: \(Self.defaults.optimizer.kind.rawValue))") var optimizer: OptimizerKind?
    @Option(help: "Frozen-weight storage: nf4, fp4, int4 or none. (default: \(Self.defaults.model.quantization.rawValue))") var dtype: QuantizationKind?
    @Flag(inversion: .prefixedNo, help: "Quantize the block constants again. (default: \(Self.defaults.model.doubleQuant ? "on" : "off"))") var doubleQuant: Bool?
    @Option(help: "Quantization block size. (default: \(Self.defaults.model.blocksize))") var blocksize: Int?
    @Option(help: "Compute type of the frozen base's products: float32, bf16 (bfloat16 inputs, float32 sums) or auto (bf16 where the CPU has bfloat16 arithmetic). (default: \(Self.defaults.model.compute.rawValue))")
    var compute: String?
    @Option(help: "LoRA rank r. (default: \(Self.defaults.lora.rank))") var rank: Int?
    @Option(help: "LoRA alpha. (default: \(Self.defaults.lora.alpha))") var alpha: Double?
    @Option(help: "Dropout on the LoRA input. (default: \(Self.defaults.lora.dropout))") var dropout: Double?
    @Option(help: "Comma-separated projections (q_proj,k_proj,...) or a layer set: all, attention, ffn, key+query, attention+ffn-output. (default: every projection)")
    var targets: String?
    @Flag(help: "Scale LoRA by alpha/sqrt(r).") var rslora = false
    @Flag(help: "Train every weight, unquantized, instead of LoRA adapters (needs --dtype none); writes model/.")
    var fullFineTune = false
    @Option(help: "Examples per optimizer step. (default: \(Self.defaults.batchSize))") var batchSize: Int?
    @Option(help: "Micro-batches per optimizer step. (default: \(Self.defaults.gradientAccumulation))") var gradientAccumulation: Int?
    @Flag(inversion: .prefixedNo, help: "Recompute activations in the backward pass. (default: \(Self.defaults.gradientCheckpointing ? "on" : "off"))") var gradientCheckpointing: Bool?
    @Option(help: "Checkpoint every N steps (0: only at the end). (default: \(Self.defaults.checkpointEvery))") var checkpointEvery: Int?
    @Option(help: "Seed of the adapter initialisation and dropout. (default: \(Self.defaults.seed))") var seed: UInt64?
    @Option(help: "BLAS threads. (default: \(Self.defaults.threads))") var threads: Int?
    @Flag(help: "Print only the summary.") var quiet = false
    @Option(name: .customLong("set"), help: ArgumentHelp("Set any setting by its grid key, as plan and run take it: --set lora.rank=16 (repeatable; wins over the flags).",
                                                         valueName: "KEY=VALUE"))
    var settings: [String] = []

    /// The settings a flag leaves alone when neither it nor --config gives one: what the help shows as defaults.
    /// (The flags themselves stay optional, so that a --config file's value is not overwritten by a default.)
    static let defaults = TrainingConfig()

    /// The configuration from --config and the flags.
    func resolvedConfig() throws -> TrainingConfig {
        var c = TrainingConfig()
        if let config {
            do { try RegularFile.check(config) } catch { throw ValidationError("\(config): \(error.message)") }
            do { c = try JSONDecoder().decode(TrainingConfig.self, from: Data(contentsOf: URL(fileURLWithPath: config))) } catch {
                throw ValidationError("\(config): not a training configuration: \(error)")
            }
        }
        c.model.name = model
        if let steps { c.steps = steps }
        if let lr { c.optimizer.learningRate = lr }
        if let maxGradNorm { c.optimizer.maxGradNorm = maxGradNorm }
        if let weightDecay { c.optimizer.weightDecay = weightDecay }
        if let beta1 { c.optimizer.beta1 = beta1 }
        if let beta2 { c.optimizer.beta2 = beta2 }
        if let epsilon { c.optimizer.epsilon = epsilon }
        if let schedule { c.schedule.kind = schedule }
        if let warmupSteps { c.schedule.warmupSteps = warmupSteps }
        if let optimizer { c.optimizer.kind = optimizer }
        if let dtype { c.model.quantization = dtype }
        if let doubleQuant { c.model.doubleQuant = doubleQuant }
        if let blocksize { c.model.blocksize = blocksize }
        if let compute { c.model.compute = try Self.resolveCompute(compute, quiet: quiet) }
        if let rank { c.lora.rank = rank }
        if let alpha { c.lora.alpha = alpha }
        if let dropout { c.lora.dropout = dropout }
        if rslora { c.lora.useRSLoRA = true }
        if let targets { c.lora.targets = try Self.parseTargets(targets) }
        if let batchSize { c.batchSize = batchSize }
        if let gradientAccumulation { c.gradientAccumulation = gradientAccumulation }
        if let gradientCheckpointing { c.gradientCheckpointing = gradientCheckpointing }
        if let checkpointEvery { c.checkpointEvery = checkpointEvery }
        if let seed { c.seed = seed }
        if let threads { c.threads = threads }
        if fullFineTune { c.fullFineTune = true }
        // The setting a grid cell starts from (`model.adapter`): --init-adapter is its flag, --config and --set
        // may give it too.
        if let initAdapter { c.model.adapter = initAdapter }
        c.data = try dataOptions.apply(to: c.data)
        if let evalEvery { c.evalEvery = evalEvery }
        if !settings.isEmpty {
            // One vocabulary: the keys `qlab plan --set` takes name the same settings here.
            do { c = try Overrides(fixed: settings).applyingFixed(to: c) } catch let error as OverrideError {
                throw ValidationError(OverrideOptions.describe(error))
            }
        }
        guard c.evalEvery >= 0, (evalTokens ?? 0) >= 0 else { throw ValidationError("--eval-every and --eval-tokens must not be negative") }
        if batches != nil, dataOptions.data != nil { throw ValidationError("give --batches FILE or --data NAME|FILE.jsonl, not both") }
        if c.fullFineTune {
            guard c.model.quantization == .none else {
                throw ValidationError("--full-fine-tune trains float32 weights: give --dtype none (the model is \(c.model.quantization.rawValue))")
            }
            guard c.model.adapter == nil else { throw ValidationError("--full-fine-tune trains the weights themselves: drop --init-adapter") }
            guard c.model.compute == .float32 else { throw ValidationError("--full-fine-tune trains in float32: drop --compute bf16") }
        }
        guard c.steps >= 1 else { throw ValidationError("--steps must be at least 1") }
        guard c.lora.rank >= 1 else { throw ValidationError("--rank must be at least 1") }
        guard c.batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        try ThreadCount.validate(c.threads)
        guard c.lora.dropout >= 0 && c.lora.dropout < 1 else { throw ValidationError("--dropout must be in [0, 1)") }
        guard c.optimizer.learningRate > 0, c.optimizer.learningRate.isFinite else {
            throw ValidationError("--lr must be a positive finite number, not \(c.optimizer.learningRate)")
        }
        for (flag, value) in [("--max-grad-norm", c.optimizer.maxGradNorm), ("--weight-decay", c.optimizer.weightDecay), ("--beta1", c.optimizer.beta1),
                              ("--beta2", c.optimizer.beta2), ("--epsilon", c.optimizer.epsilon), ("--alpha", c.lora.alpha)] where !value.isFinite {
            throw ValidationError("\(flag) must be a finite number, not \(value)")
        }
        return c
    }

    /// `--compute`: float32, bf16, or auto, which takes bf16 only where oneDNN finds bfloat16 arithmetic (AVX512_BF16
    /// or AMX) and says why it keeps float32 otherwise.
    static func resolveCompute(_ text: String, quiet: Bool) throws -> ComputeType {
        if let named = ComputeType(rawValue: text.lowercased()) { return named }
        guard text.lowercased() == "auto" else {
            throw ValidationError("--compute: unknown compute type \"\(text)\": expected float32, bf16 or auto")
        }
        if OneDNN.hasNativeBF16 && MatmulBackend.active != .onednn {
            StandardError.write(Data("--compute auto: float32 (this CPU has bfloat16 arithmetic, but only the oneDNN backend uses it: add --matmul onednn or auto)\n".utf8))
            return .float32
        }
        if OneDNN.hasNativeBF16 {
            if !quiet { StandardError.write(Data("--compute auto: bf16 (oneDNN finds bfloat16 arithmetic: \(OneDNN.isa))\n".utf8)) }
            return .bf16
        }
        StandardError.write(Data("--compute auto: float32 (this CPU has no fast bfloat16 path: oneDNN's instruction set is \(OneDNN.isa), without AVX512_BF16 or AMX)\n".utf8))
        return .float32
    }

    static func parseTargets(_ text: String) throws -> [LoRATarget] {
        if let set = LoRASettings.LayerSet(rawValue: text) { return set.targets }
        var result: [LoRATarget] = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let t = LoRATarget(rawValue: name) else {
                throw ValidationError("--targets: \"\(name)\" is not one of \(LoRATarget.allCases.map(\.rawValue).joined(separator: ", ")) or a layer set")
            }
            result.append(t)
        }
        return result
    }

    func run() throws {
        var c = try resolvedConfig()
        BLAS.threads = c.threads
        if !quiet {
            StandardError.write(Data("\(BLASKernel.current.summary), \(c.threads) thread(s)\n\(MatmulSelection.current.summary)\n".utf8))
        }
        let location = try ModelLocation.resolve(c.model.name)
        let quantization = c.model.weightQuantization
        let started = Date()
        let loaded = try ModelLoader.load(location, quantization: quantization, compute: c.model.computePrecision)
        let modelConfig = loaded.model.config
        if !c.fullFineTune, c.model.adapter == nil {
            try MemoryEstimate.require(
                MemoryEstimate.lora(modelConfig, rank: c.lora.rank, targets: c.lora.targets.map(\.projection)),
                for: "--rank \(c.lora.rank) over \(c.lora.targets.count) projections in each of \(modelConfig.numHiddenLayers) layers "
                    + "(A, B, their gradients and two Adam moments)")
        }
        let adapter: LoRAAdapter?
        if c.fullFineTune {
            adapter = nil
        } else if let start = c.model.adapter {
            let loadedAdapter = try LoRAAdapter.load(directory: start, config: modelConfig)
            adapter = loadedAdapter
            c.lora = LoRASettings(rank: loadedAdapter.rank, alpha: loadedAdapter.alpha, dropout: loadedAdapter.dropout,
                                  targets: loadedAdapter.targets.map(LoRATarget.init), useRSLoRA: loadedAdapter.useRSLoRA)
        } else {
            adapter = LoRAAdapter.initialized(config: modelConfig, rank: c.lora.rank, alpha: c.lora.alpha, dropout: c.lora.dropout,
                                              useRSLoRA: c.lora.useRSLoRA, targets: c.lora.targets.map(\.projection),
                                              seed: c.seed)
        }
        let data = batches == nil ? try dataRun(config: c, model: modelConfig, tokenizer: loaded.tokenizer) : nil
        let source: any BatchSource
        if let data {
            source = data.loader
        } else {
            guard let batches else {
                throw ValidationError("give --batches FILE (pre-tokenized batches) or --data NAME|FILE.jsonl")
            }
            let replay = try ReplayBatches(file: try BatchFile(path: batches))
            try replay.checkIDs(vocabularySize: loaded.model.config.vocabSize)
            if c.gradientAccumulation != 1 { throw ValidationError("--batches replays one micro-batch per step: use --gradient-accumulation 1") }
            c.batchSize = replay.maximumShape.batch
            source = replay
        }
        // Found out before step 1, not after the last batch has been trained on.
        if let replay = source as? ReplayBatches, replay.batches.count < c.steps {
            throw ValidationError("\(replay.path): holds \(replay.batches.count) batches, one per step; --steps \(c.steps) needs \(c.steps)")
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        // The one config.json format: the canonical text a grid cell's folder holds (and its id is hashed from),
        // so a run of `qlab train` and a cell of the same settings write the same bytes. `qlab show` prints it
        // as a tree.
        try AtomicFile.write(try CanonicalJSON.string(c), to: out + "/config.json")
        let trainer = try Trainer(config: c, model: loaded.model, initialAdapter: adapter, batches: source,
                                  directory: out, baseModelName: location.path)
        trainer.tokenizer = loaded.tokenizer
        if let data, !data.heldOut.isEmpty {
            let heldOut = data.heldOut
            trainer.evaluation = { t in try t.evaluate(heldOut).loss }
        }
        if !quiet {
            let params = trainer.parameterCount
            StandardError.write(Data("""
                model \(location.path): \(modelConfig.numHiddenLayers) layers, hidden \(modelConfig.hiddenSize), \
                \(c.model.quantization.rawValue)\(c.model.doubleQuant && c.model.quantization != .none ? "+dq" : ""), loaded in \
                \(String(format: "%.1f", Date().timeIntervalSince(started))) s
                \(c.fullFineTune ? "full fine-tuning" : "LoRA r \(c.lora.rank), alpha \(c.lora.alpha), \(c.lora.targets.count) projections"): \
                \(params) trainable parameters; \(c.optimizer.kind.rawValue) lr \(c.optimizer.learningRate), \(c.steps) steps, \(BLAS.threads) BLAS thread(s) (\(MatmulBackend.recordedKernel)), \(c.model.compute.rawValue) compute

                """.utf8))
        }
        let summary = try trainer.run { r in
            if !quiet {
                var line = String(format: "step %d/%d  loss %.4f  lr %.2e  grad_norm %.3f  %.0f tok/s  %.0f MiB",
                                  r.step, c.steps, r.loss, r.lr, r.gradNorm, r.tokensPerSecond, r.residentMiB ?? 0)
                if let e = r.evalLoss { line += String(format: "  eval_loss %.4f", e) }
                StandardError.write(Data((line + "\n").utf8))
            }
        }
        let text = """
            \(summary.status.rawValue): \(summary.reason)
            steps \(summary.steps), final loss \(summary.finalLoss.map { String(format: "%.4f", $0) } ?? "-"), \
            \(String(format: "%.0f", summary.tokensPerSecond)) tokens/s, peak memory \(String(format: "%.0f", summary.peakRSSMiB)) MiB\
            \(summary.resumedFrom.map { ", resumed from step \($0)" } ?? "")
            \(summary.modelDirectory.map { "model: \($0)" } ?? "adapter: \(summary.adapterDirectory ?? "-")")
            """
        print(text)
        if let parts = summary.memory {
            func mib(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }
            print("memory by part (allocated, MiB): base \(mib(parts.baseBytes)), trainable and gradients \(mib(parts.trainableBytes)), "
                  + "optimizer \(mib(parts.optimizerBytes)), activations \(mib(parts.activationBytes)); sum \(mib(parts.totalBytes)) "
                  + "of a peak resident set of \(String(format: "%.1f", summary.peakRSSMiB))")
        }
        if let data, !data.heldOut.isEmpty, summary.status == .completed {
            let (loss, tokens) = try trainer.evaluate(data.heldOut)
            print(String(format: "held-out loss %.4f (perplexity %.3f) over %d tokens of %d examples", loss, exp(loss), tokens, data.heldOutExamples))
        }
        if summary.status != .completed { throw ExitCode(QLab.Exit.diverged) }
    }
}

extension ScheduleKind: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension QuantizationKind: ExpressibleByArgument {}
