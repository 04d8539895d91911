import Foundation

/// Seconds each cell spent training and in each evaluation (the `seconds_*` metrics), one row per cell, so that a
/// reader sees where a grid's time goes.
struct TimeTable {
    /// The Markdown table.
    let markdown: String

    /// The table of `results`, or nil when no cell recorded its timings (runs from before they were kept).
    init?(_ results: ExperimentResults) {
        let names = results.metricNames.filter(MetricOrder.isSeconds)
        guard !names.isEmpty else { return nil }
        // Training first, then the evaluations in the order a cell runs them, then anything else.
        let order = ["seconds_train", "seconds_eval_loss"]
        let columns = order.filter(names.contains)
            + names.filter { $0.hasPrefix("seconds_exact_") }
            + names.filter { $0.hasPrefix("seconds_choice_") }
            + names.filter { $0.hasPrefix("seconds_perplexity") }
            + ["seconds_tournament_answers"].filter(names.contains)
        let all = columns + names.filter { !columns.contains($0) }
        let cells = results.ranCells.filter { c in all.contains { c.metrics[$0] != nil } }
        guard !cells.isEmpty else { return nil }
        let header = ["cell", "configuration"] + all.map { String($0.dropFirst("seconds_".count)).replacingOccurrences(of: "_", with: " ") } + ["total"]
        let rows = cells.map { c -> [String] in
            let values = all.map { c.metrics[$0] }
            let total = values.compactMap { $0 }.reduce(0, +)
            return [String(c.cell.prefix(12)), results.label(of: c)] + values.map { $0.map(Self.format) ?? "–" } + [Self.format(total)]
        }
        markdown = MarkdownTable(header: header, rows: rows, rightAligned: Set(2..<header.count)).markdown
    }

    static func format(_ seconds: Double) -> String {
        seconds < 10 ? String(format: "%.1f", seconds) : String(format: "%.0f", seconds)
    }
}
