import Support

/// `metrics.json`: a run's final metrics as one flat JSON object, e.g. `{"eval_loss": 1.87, "exact_arithmetic": 0.4}`.
public struct FinalMetricsFile: Codable, Sendable, Equatable {
    /// The metrics by name.
    public var metrics: [String: Double]

    /// A file's contents.
    public init(metrics: [String: Double]) {
        self.metrics = metrics
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DynamicCodingKey.self)
        var metrics: [String: Double] = [:]
        for key in container.allKeys {
            metrics[key.stringValue] = try container.decode(Double.self, forKey: key)
        }
        self.metrics = metrics
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicCodingKey.self)
        for (name, value) in metrics {
            try container.encode(value, forKey: DynamicCodingKey(name))
        }
    }
}
