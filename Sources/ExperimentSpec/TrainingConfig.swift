/// Everything one training run needs, fully resolved: a grid cell is exactly one of these.
///
/// Plain values only, so that experiment specs can be written and checked without the trainer. Every field
/// has the QLoRA paper's default (Appendix B.2, scripts in the reference repository) unless it says otherwise.
public struct TrainingConfig: Codable, Sendable, Equatable, Hashable {
    /// The base model and how its frozen weights are stored.
    public var model: ModelSettings = ModelSettings()
    /// The LoRA adapters.
    public var lora: LoRASettings = LoRASettings()
    /// The optimizer and gradient clipping.
    public var optimizer: OptimizerSettings = OptimizerSettings()
    /// The learning-rate schedule.
    public var schedule: ScheduleSettings = ScheduleSettings()
    /// The training data and how it is batched.
    public var data: DataSettings = DataSettings()
    /// Optimizer steps.
    public var steps: Int = 10_000
    /// Examples per optimizer step (micro-batch × accumulation).
    public var batchSize: Int = 16
    /// Micro-batches per optimizer step; the micro-batch is `batchSize / gradientAccumulation`.
    public var gradientAccumulation: Int = 1
    /// Recompute each block's activations in the backward pass (memory, not results).
    public var gradientCheckpointing: Bool = true
    /// Train every weight, unquantized, instead of adapters (pre-training or small models).
    public var fullFineTune: Bool = false
    /// Seed of the adapter initialisation and dropout, and of the data order unless `data.orderSeed` is set.
    public var seed: UInt64 = 0
    /// Write a resumable checkpoint every this many steps (0: only at the end).
    public var checkpointEvery: Int = 250
    /// Held-out evaluation every this many steps (0: only at the end).
    public var evalEvery: Int = 0
    /// BLAS threads (results differ between thread counts, so it is part of the configuration).
    public var threads: Int = 1
    /// What is measured after training (held-out loss by default).
    public var evaluation: EvaluationSettings = EvaluationSettings()

    /// The defaults above.
    public init() {}

    /// Settings added after configurations were first stored, written into the canonical JSON only when they
    /// differ from their default (so that older cells keep their ids), each with a value of its type.
    static let settingsWrittenWhenChanged: [String: CanonicalJSON.Value] = [
        "data.assistantTurns": .string(AssistantTurns.all.rawValue),
        // Unset by default (the order follows the cell's seed); the value gives the command line its type.
        "data.orderSeed": .unsignedInteger(0),
        // Unset by default (a new adapter); a PEFT adapter folder to continue from.
        "model.adapter": .string(""),
        // float32 by default; bf16 computes the frozen base's products from bfloat16 inputs.
        "model.compute": .string(ComputeType.float32.rawValue),
        // Unset by default (the held-out set is scored on the turns the cell trains on).
        "evaluation.heldOutLoss.turns": .string(AssistantTurns.all.rawValue),
    ]
}

/// The base model and the storage of its frozen weights.
public struct ModelSettings: Codable, Sendable, Equatable, Hashable {
    /// A short name (e.g. "smollm2-135m"), a checkpoint directory or a GGUF file.
    public var name: String = "smollm2-135m"
    /// The 4-bit data type of the frozen linear weights, or none for float32.
    public var quantization: QuantizationKind = .nf4
    /// Elements per quantization block.
    public var blocksize: Int = 64
    /// Quantize the block constants again.
    public var doubleQuant: Bool = true
    /// A PEFT adapter folder the cell's training starts from instead of a new adapter (Anima's "continue from
    /// Guanaco"); its rank and targets must be the cell's. Nil, the default, is written nowhere, so configurations
    /// without it keep their canonical JSON and ids.
    public var adapter: String?
    /// The compute type of the frozen base's products: float32, or bf16 (the weight dequantized to bfloat16 and
    /// the products' inputs rounded to bfloat16, summed in float32, as QLoRA's `bnb_4bit_compute_dtype`). LoRA
    /// weights, optimizer state, norms, softmax and the loss stay float32. Written only when not float32, so that
    /// configurations from before the setting keep their canonical JSON and ids.
    public var compute: ComputeType = .float32

    /// The defaults: SmolLM2-135M in NF4 with double quantization, blocks of 64, a new adapter, float32 compute.
    public init(name: String = "smollm2-135m", quantization: QuantizationKind = .nf4, blocksize: Int = 64, doubleQuant: Bool = true,
                adapter: String? = nil, compute: ComputeType = .float32) {
        self.name = name
        self.quantization = quantization
        self.blocksize = blocksize
        self.doubleQuant = doubleQuant
        self.adapter = adapter
        self.compute = compute
    }

    private enum CodingKeys: String, CodingKey {
        case name, quantization, blocksize, doubleQuant, adapter, compute
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        quantization = try c.decode(QuantizationKind.self, forKey: .quantization)
        blocksize = try c.decode(Int.self, forKey: .blocksize)
        doubleQuant = try c.decode(Bool.self, forKey: .doubleQuant)
        adapter = try c.decodeIfPresent(String.self, forKey: .adapter)
        compute = try c.decodeIfPresent(ComputeType.self, forKey: .compute) ?? .float32
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(quantization, forKey: .quantization)
        try c.encode(blocksize, forKey: .blocksize)
        try c.encode(doubleQuant, forKey: .doubleQuant)
        try c.encodeIfPresent(adapter, forKey: .adapter)
        if compute != .float32 { try c.encode(compute, forKey: .compute) }
    }
}

/// The compute type of the frozen base's matrix products.
public enum ComputeType: String, Codable, Sendable, CaseIterable {
    case float32
    case bf16
}

/// Storage type of frozen weights.
public enum QuantizationKind: String, Codable, Sendable, CaseIterable {
    case nf4, fp4, int4, none
}

/// The projections LoRA can adapt, named as PEFT names them.
public enum LoRATarget: String, Codable, Sendable, CaseIterable, Comparable {
    case q = "q_proj", k = "k_proj", v = "v_proj", o = "o_proj"
    case gate = "gate_proj", up = "up_proj", down = "down_proj"

    public static func < (a: LoRATarget, b: LoRATarget) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// LoRA's shape and regularisation.
public struct LoRASettings: Codable, Sendable, Equatable, Hashable {
    /// Rank r.
    public var rank: Int = 64
    /// lora_alpha (the update is scaled by alpha / r).
    public var alpha: Double = 16
    /// Dropout on the LoRA input.
    public var dropout: Double = 0.1
    /// The adapted projections (QLoRA: all linear layers).
    public var targets: [LoRATarget] = LoRATarget.allCases
    /// Scale by alpha / √r (rsLoRA) instead of alpha / r.
    public var useRSLoRA: Bool = false

    /// The QLoRA B.2 defaults: r 64, alpha 16, dropout 0.1, all linear layers.
    public init(rank: Int = 64, alpha: Double = 16, dropout: Double = 0.1, targets: [LoRATarget] = LoRATarget.allCases, useRSLoRA: Bool = false) {
        self.rank = rank
        self.alpha = alpha
        self.dropout = dropout
        self.targets = targets
        self.useRSLoRA = useRSLoRA
    }

    /// The Appendix A.1 layer sets.
    public enum LayerSet: String, Codable, Sendable, CaseIterable {
        case keyQuery = "key+query", attention = "attention", ffn = "ffn", all = "all", attentionAndFFNOutput = "attention+ffn-output"

        /// The projections of the set.
        public var targets: [LoRATarget] {
            switch self {
            case .keyQuery: [.q, .k]
            case .attention: [.q, .k, .v, .o]
            case .ffn: [.gate, .up, .down]
            case .all: LoRATarget.allCases
            case .attentionAndFFNOutput: [.q, .k, .v, .o, .down]
            }
        }
    }
}

/// Optimizer kind and hyper-parameters.
public struct OptimizerSettings: Codable, Sendable, Equatable, Hashable {
    /// Which optimizer.
    public var kind: OptimizerKind = .pagedAdamW
    /// Peak learning rate.
    public var learningRate: Double = 2e-4
    /// Adam β1.
    public var beta1: Double = 0.9
    /// Adam β2.
    public var beta2: Double = 0.999
    /// Adam ε.
    public var epsilon: Double = 1e-8
    /// Decoupled weight decay.
    public var weightDecay: Double = 0
    /// Global gradient-norm clip (0: none).
    public var maxGradNorm: Double = 0.3

    /// The QLoRA defaults: paged AdamW 32-bit, lr 2e-4, β2 0.999, no weight decay, clip 0.3.
    public init(kind: OptimizerKind = .pagedAdamW, learningRate: Double = 2e-4, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8, weightDecay: Double = 0, maxGradNorm: Double = 0.3) {
        self.kind = kind
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.maxGradNorm = maxGradNorm
    }
}

/// The optimizers the trainer implements.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    /// AdamW with 32-bit states in memory.
    case adamW = "adamw"
    /// AdamW with 32-bit states in a memory-mapped file.
    case pagedAdamW = "paged-adamw"
    /// AdamW with blockwise 8-bit states.
    case adamW8bit = "adamw-8bit"
}

/// The learning-rate schedule.
public struct ScheduleSettings: Codable, Sendable, Equatable, Hashable {
    /// Shape of the schedule.
    public var kind: ScheduleKind = .constant
    /// Linear warm-up steps from 0 (ignored by `constant`).
    public var warmupSteps: Int = 0

    /// QLoRA's: constant, no warm-up.
    public init(kind: ScheduleKind = .constant, warmupSteps: Int = 0) {
        self.kind = kind
        self.warmupSteps = warmupSteps
    }
}

/// Schedule shapes.
public enum ScheduleKind: String, Codable, Sendable, CaseIterable {
    case constant
    case constantWithWarmup = "constant-with-warmup"
    case linear
    case cosine
}

/// Training data and batching.
public struct DataSettings: Codable, Sendable, Equatable, Hashable {
    /// Dataset names or JSONL paths, mixed in this order.
    public var datasets: [String] = []
    /// Record format (`auto` detects it from the first line).
    public var format: DataFormat = .auto
    /// Longest source (prompt) in tokens; longer ones are truncated.
    public var sourceMaxLength: Int = 384
    /// Longest target (answer) in tokens; longer ones are truncated.
    public var targetMaxLength: Int = 128
    /// Put the loss on the prompt too.
    public var trainOnSource: Bool = false
    /// Batch examples of similar length (oscillating loss curves, less padding).
    public var groupByLength: Bool = true
    /// Held-out examples for evaluation: a count when ≥ 1, a fraction when below 1.
    public var evalSize: Double = 0.1
    /// Seed of the held-out split (which records are held out, and the sample of them a held-out loss scores):
    /// one split for every cell, as QLoRA's script splits with seed 42, so that cells are scored on the same
    /// examples.
    public var splitSeed: UInt64 = 42
    /// Seed of the training order (shuffle or length groups); nil, the default, follows the cell's `seed`, as
    /// transformers' `data_seed` does, so that seeds vary the data order too.
    public var orderSeed: UInt64? = nil
    /// Skip malformed lines (and count them) instead of failing.
    public var skipBadLines: Bool = false
    /// Which assistant turns of a conversation carry the loss: every one (Firefly, QLoRA's OASST1 runs) or
    /// only the last one the example keeps.
    public var assistantTurns: AssistantTurns = .all

    /// QLoRA's defaults for the "All" rows of Table 9: source 384, target 128.
    public init(datasets: [String] = [], format: DataFormat = .auto, sourceMaxLength: Int = 384, targetMaxLength: Int = 128,
                trainOnSource: Bool = false, groupByLength: Bool = true, evalSize: Double = 0.1, splitSeed: UInt64 = 42,
                orderSeed: UInt64? = nil, skipBadLines: Bool = false, assistantTurns: AssistantTurns = .all) {
        self.datasets = datasets
        self.format = format
        self.sourceMaxLength = sourceMaxLength
        self.targetMaxLength = targetMaxLength
        self.trainOnSource = trainOnSource
        self.groupByLength = groupByLength
        self.evalSize = evalSize
        self.splitSeed = splitSeed
        self.orderSeed = orderSeed
        self.skipBadLines = skipBadLines
        self.assistantTurns = assistantTurns
    }

    private enum CodingKeys: String, CodingKey {
        case datasets, format, sourceMaxLength, targetMaxLength, trainOnSource, groupByLength, evalSize, splitSeed, orderSeed
        case skipBadLines, assistantTurns
        /// Written before the split and the order had seeds of their own: one seed for both.
        case seed
    }

    /// The seed of the training order of a cell whose own seed is `trainingSeed`.
    public func orderSeed(trainingSeed: UInt64) -> UInt64 { orderSeed ?? trainingSeed }

    /// Reads settings written by this or an earlier version (which had no `assistantTurns`: every turn; and one
    /// `seed` for the split and the order, read back as both, so that an old cell means what it meant).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        datasets = try c.decode([String].self, forKey: .datasets)
        format = try c.decode(DataFormat.self, forKey: .format)
        sourceMaxLength = try c.decode(Int.self, forKey: .sourceMaxLength)
        targetMaxLength = try c.decode(Int.self, forKey: .targetMaxLength)
        trainOnSource = try c.decode(Bool.self, forKey: .trainOnSource)
        groupByLength = try c.decode(Bool.self, forKey: .groupByLength)
        evalSize = try c.decode(Double.self, forKey: .evalSize)
        if let old = try c.decodeIfPresent(UInt64.self, forKey: .seed) {
            splitSeed = old
            orderSeed = old
        } else {
            splitSeed = try c.decode(UInt64.self, forKey: .splitSeed)
            orderSeed = try c.decodeIfPresent(UInt64.self, forKey: .orderSeed)
        }
        skipBadLines = try c.decode(Bool.self, forKey: .skipBadLines)
        assistantTurns = try c.decodeIfPresent(AssistantTurns.self, forKey: .assistantTurns) ?? .all
    }

    /// Writes `assistantTurns` only when it is not the default, so that every configuration written before the
    /// setting existed keeps its canonical JSON, and so its cell id; `orderSeed` only when set. The seeds are
    /// written as `splitSeed` (and `orderSeed`), never as the old `seed`: a cell whose order follows its seed is
    /// a new computation, with a new id.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(datasets, forKey: .datasets)
        try c.encode(format, forKey: .format)
        try c.encode(sourceMaxLength, forKey: .sourceMaxLength)
        try c.encode(targetMaxLength, forKey: .targetMaxLength)
        try c.encode(trainOnSource, forKey: .trainOnSource)
        try c.encode(groupByLength, forKey: .groupByLength)
        try c.encode(evalSize, forKey: .evalSize)
        try c.encode(splitSeed, forKey: .splitSeed)
        try c.encodeIfPresent(orderSeed, forKey: .orderSeed)
        try c.encode(skipBadLines, forKey: .skipBadLines)
        if assistantTurns != .all { try c.encode(assistantTurns, forKey: .assistantTurns) }
    }
}

/// Which assistant turns of a multi-turn conversation carry the loss.
public enum AssistantTurns: String, Codable, Sendable, CaseIterable {
    /// Every assistant turn the example keeps.
    case all
    /// Only the last assistant turn the example keeps (after the cut at the length limit); earlier ones are context.
    case last
}

/// Dataset record formats.
public enum DataFormat: String, Codable, Sendable, CaseIterable {
    /// Detect from the first record.
    case auto
    /// `{"instruction", "input", "output"}`.
    case alpaca
    /// `{"text": "### Human: … ### Assistant: …"}`.
    case guanaco
    /// `{"conversation": [{"human", "assistant"}, …]}`.
    case conversation
    /// `{"messages": [{"role", "content"}, …]}`.
    case messages
    /// `{"prompt", "answer"}` pairs.
    case pairs
    /// Plain text for pre-training, packed into fixed-length sequences.
    case text
    /// Pre-tokenized `{"input_ids", "labels"?}`.
    case tokens
}
