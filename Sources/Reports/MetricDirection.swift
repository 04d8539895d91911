/// Whether a smaller or a larger value of a metric is better, guessed from its name.
public enum MetricDirection: String, Sendable, Equatable {
    case lowerIsBetter
    case higherIsBetter

    /// The direction of metric `name`, or nil when the name says nothing (such a metric gets no "best" mark).
    public init?(metric name: String) {
        let n = name.lowercased()
        // Higher-is-better words first: "exact" and "accuracy" scores; throughput is a rate of tokens.
        if ["exact", "choice", "accuracy", "chrf", "win", "rating", "elo", "tokens_per_second", "score"].contains(where: n.contains) {
            self = .higherIsBetter
        } else if ["loss", "perplexity", "error", "rmse", "rss", "mib", "seconds", "memory"].contains(where: n.contains) {
            self = .lowerIsBetter
        } else {
            return nil
        }
    }

    /// Whether `a` is strictly better than `b`.
    public func isBetter(_ a: Double, than b: Double) -> Bool {
        self == .lowerIsBetter ? a < b : a > b
    }

    /// "lower is better" or "higher is better", for titles.
    public var phrase: String { self == .lowerIsBetter ? "lower is better" : "higher is better" }
}
