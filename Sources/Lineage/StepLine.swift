/// One line of `steps.jsonl`: what one optimizer step measured.
///
/// Flat keys so that `jq` and gnuplot read the file as it is; numbers beyond the fixed ones
/// (e.g. `eval_loss` on evaluation steps) go in `extra` and are stored as metrics of the same name.
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

    private static let fixedKeys: Set<String> = ["step", "loss", "grad_norm", "lr", "tokens", "seconds"]

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

    /// The step as store metrics: the fixed numbers, `tokens_per_second`, and the extras.
    public var metricPoints: [MetricPoint] {
        var points = [
            MetricPoint(step: step, name: "loss", value: loss),
            MetricPoint(step: step, name: "grad_norm", value: gradNorm),
            MetricPoint(step: step, name: "lr", value: lr),
            MetricPoint(step: step, name: "tokens", value: Double(tokens)),
            MetricPoint(step: step, name: "seconds", value: seconds),
        ]
        if seconds > 0 {
            points.append(MetricPoint(step: step, name: "tokens_per_second", value: Double(tokens) / seconds))
        }
        for (name, value) in extra.sorted(by: { $0.key < $1.key }) where !Self.fixedKeys.contains(name) {
            points.append(MetricPoint(step: step, name: name, value: value))
        }
        return points
    }
}
