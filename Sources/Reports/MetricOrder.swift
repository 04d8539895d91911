/// The order metrics appear in: the spec's evaluations first, then training loss, the rest by name, resources last.
enum MetricOrder {
    static let resources = ["tokens_per_second", "peak_rss_mib"]

    static func sorted(_ names: [String], evaluations: [String]) -> [String] {
        let present = Set(names)
        var out = evaluations.filter(present.contains)
        if present.contains("train_loss"), !out.contains("train_loss") { out.append("train_loss") }
        out += names.sorted().filter { !out.contains($0) && !resources.contains($0) && !isSeconds($0) }
        out += resources.filter(present.contains)
        out += names.sorted().filter(isSeconds)
        return out
    }

    /// Seconds spent in one part of a cell (`seconds_train`, `seconds_eval_loss`, ...): shown in their own table.
    static func isSeconds(_ name: String) -> Bool { name.hasPrefix("seconds_") }

    /// A metric's unit, for axis labels.
    static func unit(_ name: String) -> String? {
        switch name {
        case "tokens_per_second": return "tokens/s"
        case "peak_rss_mib": return "MiB"
        case let n where isSeconds(n): return "s"
        case let n where n.hasPrefix("exact_") || n.hasPrefix("choice_"): return "fraction correct"
        case let n where n.contains("loss"): return "nats per token"
        default: return nil
        }
    }

    /// `eval_loss (nats per token)`.
    static func label(_ name: String) -> String {
        unit(name).map { "\(name) (\($0))" } ?? name
    }
}
