/// The order metrics appear in: the spec's evaluations first, then training loss, the rest by name, resources last.
enum MetricOrder {
    static let resources = ["tokens_per_second", "peak_rss_mib"]

    static func sorted(_ names: [String], evaluations: [String]) -> [String] {
        let present = Set(names)
        var out = evaluations.filter(present.contains)
        if present.contains("train_loss"), !out.contains("train_loss") { out.append("train_loss") }
        out += names.sorted().filter { !out.contains($0) && !resources.contains($0) }
        out += resources.filter(present.contains)
        return out
    }

    /// A metric's unit, for axis labels.
    static func unit(_ name: String) -> String? {
        switch name {
        case "tokens_per_second": return "tokens/s"
        case "peak_rss_mib": return "MiB"
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
