/// What every evaluation metric of a report rests on: the scored tokens behind each loss and perplexity, the
/// questions behind each accuracy, and each accuracy's Wilson 95% interval, so that a reader can tell a
/// difference from noise.
struct SupportSection {
    /// The Markdown (empty when the runs recorded no evaluation metric).
    let markdown: String

    init(_ results: ExperimentResults) {
        let cells = results.ranCells
        let metrics = MetricOrder.sorted(results.metricNames, evaluations: results.subject.evaluationMetrics)
            .filter { !MetricSupport.isCount($0) && !MetricSupport.counts(for: $0).isEmpty }
        guard !metrics.isEmpty else {
            markdown = ""
            return
        }
        var md = "### What the metrics rest on\n\n"
        for metric in metrics {
            var parts: [String] = []
            for (count, unit) in MetricSupport.counts(for: metric) {
                let values = cells.filter { $0.metrics[metric] != nil }.compactMap { $0.metrics[count] }
                guard let low = values.min(), let high = values.max() else { continue }
                let range = low == high ? NumberFormat.short(low) : "\(NumberFormat.short(low))–\(NumberFormat.short(high))"
                parts.append("\(range) \(unit)")
            }
            let measured = cells.filter { $0.metrics[metric] != nil }.count
            let count = "\(measured) cell\(measured == 1 ? "" : "s")"
            md += "- `\(metric)`: " + (parts.isEmpty ? "not recorded (\(count) run before the counts were kept)"
                                                       : parts.joined(separator: ", ") + " per cell (\(count))") + "\n"
        }
        md += "\n"
        let accuracies = metrics.filter(MetricSupport.isAccuracy)
        if !accuracies.isEmpty {
            var rows: [[String]] = []
            for metric in accuracies {
                for cell in cells {
                    guard let accuracy = cell.metrics[metric] else { continue }
                    guard let asked = cell.metrics[metric + "_asked"].map({ Int($0) }), asked > 0 else {
                        rows.append([String(cell.cell.prefix(12)), results.label(of: cell), metric, "–", NumberFormat.short(accuracy), "–"])
                        continue
                    }
                    let correct = Int((accuracy * Double(asked)).rounded())
                    let w = WilsonInterval(successes: correct, trials: asked)
                    rows.append([String(cell.cell.prefix(12)), results.label(of: cell), metric, "\(correct)/\(asked)",
                                 NumberFormat.short(accuracy), "\(Self.fixed(w.lower))–\(Self.fixed(w.upper))"])
                }
            }
            md += MarkdownTable(header: ["cell", "configuration", "metric", "correct", "accuracy", "Wilson 95% interval"],
                                rows: rows, rightAligned: [3, 4, 5]).markdown + "\n"
            md += "Wilson score interval of each accuracy over its questions (z = 1.96): two cells whose intervals overlap "
                + "widely are not told apart by these questions.\n\n"
        }
        markdown = md
    }

    private static func fixed(_ x: Double) -> String { String(format: "%.3f", x) }
}
