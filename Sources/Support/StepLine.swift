/// One line of `steps.jsonl`: what one optimizer step measured. The trainer writes it, the store reads it.
///
/// Flat keys so that `jq` and gnuplot read the file as it is; numbers beyond the fixed ones
/// (the trainer's speed, memory and `eval_loss` on evaluation steps) go in `extra` and are stored as metrics
/// of the same name.
public struct StepLine: Codable, Sendable, Equatable {
    /// The optimizer step, from 1.
    public var step: Int
    /// Training loss of the step.
    public var loss: Double
    /// Gradient norm before clipping.
    public var gradNorm: Double
    /// Learning rate used by the step.
    public var lr: Double
    /// Tokens trained in the step.
    public var tokens: Int
    /// Wall-clock seconds the step took.
    public var seconds: Double
    /// Further per-step numbers by name.
    public var extra: [String: Double]

    /// A line.
    public init(step: Int, loss: Double, gradNorm: Double, lr: Double, tokens: Int, seconds: Double, extra: [String: Double] = [:]) {
        self.step = step
        self.loss = loss
        self.gradNorm = gradNorm
        self.lr = lr
        self.tokens = tokens
        self.seconds = seconds
        self.extra = extra
    }

    /// Tokens per second of the step (the trainer writes it; a reader can also compute it).
    public static let tokensPerSecondKey = "tokens_per_second"
    /// Resident memory after the step, MiB.
    public static let residentMiBKey = "rss_mib"
    /// Held-out loss after the step's update, on evaluation steps.
    public static let evalLossKey = "eval_loss"

    /// Tokens per second of the step: as written, or else tokens over seconds.
    public var tokensPerSecond: Double {
        extra[Self.tokensPerSecondKey] ?? Double(tokens) / max(seconds, 1e-9)
    }

    /// Resident memory after the step, MiB, when recorded.
    public var residentMiB: Double? {
        get { extra[Self.residentMiBKey] }
        set { extra[Self.residentMiBKey] = newValue }
    }

    /// Held-out loss after the step's update, on evaluation steps.
    public var evalLoss: Double? {
        get { extra[Self.evalLossKey] }
        set { extra[Self.evalLossKey] = newValue }
    }

    public static let fixedKeys: Set<String> = ["step", "loss", "grad_norm", "lr", "tokens", "seconds"]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DynamicCodingKey.self)
        step = try container.decode(Int.self, forKey: DynamicCodingKey("step"))
        loss = try container.decode(Double.self, forKey: DynamicCodingKey("loss"))
        gradNorm = try container.decode(Double.self, forKey: DynamicCodingKey("grad_norm"))
        lr = try container.decode(Double.self, forKey: DynamicCodingKey("lr"))
        tokens = try container.decode(Int.self, forKey: DynamicCodingKey("tokens"))
        seconds = try container.decode(Double.self, forKey: DynamicCodingKey("seconds"))
        var extra: [String: Double] = [:]
        for key in container.allKeys where !Self.fixedKeys.contains(key.stringValue) {
            extra[key.stringValue] = try container.decode(Double.self, forKey: key)
        }
        self.extra = extra
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicCodingKey.self)
        try container.encode(step, forKey: DynamicCodingKey("step"))
        try container.encode(loss, forKey: DynamicCodingKey("loss"))
        try container.encode(gradNorm, forKey: DynamicCodingKey("grad_norm"))
        try container.encode(lr, forKey: DynamicCodingKey("lr"))
        try container.encode(tokens, forKey: DynamicCodingKey("tokens"))
        try container.encode(seconds, forKey: DynamicCodingKey("seconds"))
        for (name, value) in extra where !Self.fixedKeys.contains(name) {
            try container.encode(value, forKey: DynamicCodingKey(name))
        }
    }
}
