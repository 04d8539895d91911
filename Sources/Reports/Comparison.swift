import Support
import Lineage

/// Two or more experiments side by side: the settings that differ, and a metric over their shared axes.
struct Comparison {
    let experiments: [ExperimentResults]
    let metric: String?
    let sharedAxes: [String]

    init(base: ExperimentResults, others: [ExperimentResults], metric: String?) throws {
        experiments = [base] + others
        self.metric = metric
        sharedAxes = base.configurationAxes.filter { axis in others.allSatisfy { $0.configurationAxes.contains(axis) } }
    }

    /// Leaf values of a configuration by dotted key path (`optimizer.learningRate` → `0.0002`).
    static func flatten(_ config: String) -> [String: String] {
        var out: [String: String] = [:]
        func walk(_ value: JSONValue, _ path: String) {
            if case let .object(members) = value {
                for (k, v) in members { walk(v, path.isEmpty ? k : path + "." + k) }
            } else if case .null = value {
                // A setting left unset reads as such, not as an empty cell.
                out[path] = "unset"
            } else {
                out[path] = value.plainText
            }
        }
        if let value = try? JSONValue.parse(config, what: "cell configuration") { walk(value, "") }
        return out
    }

    /// Settings each experiment holds fixed but at different values: the differences a reader must know about.
    var differingSettings: [(setting: String, values: [String])] {
        let all: [[String: Set<String>]] = experiments.map { results in
            var values: [String: Set<String>] = [:]
            for cell in results.cells {
                for (k, v) in Self.flatten(cell.config) { values[k, default: []].insert(v) }
            }
            return values
        }
        // A setting some experiment varies is one of its axes, which the text names separately.
        let varied = Set(all.flatMap { $0.filter { $0.value.count > 1 }.keys })
        let keys = Set(all.flatMap(\.keys)).subtracting(varied).sorted()
        return keys.compactMap { key in
            let values = all.map { $0[key]?.first ?? "(absent)" }
            return Set(values).count > 1 ? (key, values) : nil
        }
    }

    var markdown: String {
        let names = experiments.map(\.subject.name)
        var md = "## Comparison: " + names.map { "`\($0)`" }.joined(separator: " vs ") + "\n\n"
        for e in experiments.dropFirst() {
            if let q = e.subject.prose.question { md += "`\(e.subject.name)` asks: \(q)\n\n" }
        }
        let settings = differingSettings
        if settings.isEmpty {
            md += "The experiments fix the same settings to the same values.\n\n"
        } else {
            md += "Settings that differ between the experiments (fixed within each):\n\n"
            md += MarkdownTable(header: ["setting"] + names, rows: settings.map { [$0.setting] + $0.values }).markdown + "\n"
        }
        for e in experiments {
            let own = e.configurationAxes.filter { !sharedAxes.contains($0) }
            if !own.isEmpty { md += "Only `\(e.subject.name)` varies " + own.map { "`\($0)`" }.joined(separator: ", ") + " (pooled below).\n\n" }
        }
        guard let metric else { return md }
        let rows = alignedRows(metric: metric)
        md += "\(metric) by " + (sharedAxes.isEmpty ? "experiment" : "the shared axes " + sharedAxes.map { "`\($0)`" }.joined(separator: ", "))
        md += ": mean ± 95% interval over the matching cells (seeds and unshared axes pooled); Δ against `\(names[0])`; **bold** the best of each row"
        md += (MetricDirection(metric: metric).map { " (\($0.phrase))" } ?? "") + ".\n\n"
        let direction = MetricDirection(metric: metric) ?? .lowerIsBetter
        var table: [[String]] = []
        for row in rows {
            let means = row.summaries.map { $0?.mean ?? .nan }
            let best = means.filter { !$0.isNaN }.reduce(nil as Double?) { b, v in b.map { direction.isBetter(v, than: $0) ? v : $0 } ?? v }
            var cells = row.key
            for (i, s) in row.summaries.enumerated() {
                guard let s else { cells.append("–"); continue }
                let text = NumberFormat.interval(s) + " (\(s.values.count))"
                cells.append(s.mean == best && row.summaries.compactMap({ $0 }).count > 1 ? "**\(text)**" : text)
                if i > 0 {
                    let base = row.summaries[0]?.mean
                    cells.append(base.map { let d = s.mean - $0; return (d >= 0 ? "+" : "") + NumberFormat.short(d) } ?? "–")
                }
            }
            table.append(cells)
        }
        var header = sharedAxes
        for (i, n) in names.enumerated() { header.append("\(n) (n)"); if i > 0 { header.append("Δ \(n)") } }
        md += MarkdownTable(header: header, rows: table, rightAligned: Set(sharedAxes.count..<header.count)).markdown + "\n"
        return md
    }

    /// One row per combination of shared-axis values (first seen first), one summary per experiment.
    func alignedRows(metric: String) -> [(key: [String], summaries: [SampleSummary?])] {
        var keys: [[String]] = []
        for e in experiments {
            for cell in e.cells {
                let key = sharedAxes.map { cell.axisValues[$0] ?? "–" }
                if !keys.contains(key) { keys.append(key) }
            }
        }
        return keys.map { key in
            (key, experiments.map { e -> SampleSummary? in
                let cells = e.cells.filter { c in sharedAxes.indices.allSatisfy { c.axisValues[sharedAxes[$0]] ?? "–" == key[$0] } }
                let s = SampleSummary(cells.compactMap { $0.metrics[metric] })
                return s.values.isEmpty ? nil : s
            })
        }
    }

    var figures: [ReportFigure] {
        guard let metric else { return [] }
        let rows = alignedRows(metric: metric)
        guard !rows.isEmpty else { return [] }
        let categories = rows.map { row in sharedAxes.isEmpty ? "all cells" : zip(sharedAxes, row.key).map { "\($0.split(separator: ".").last ?? "")=\($1)" }.joined(separator: " ") }
        let series = experiments.indices.map { i in
            IntervalChart.Series(title: experiments[i].subject.name, summaries: rows.map { $0.summaries[i] })
        }
        let names = experiments.map(\.subject.name).joined(separator: " vs ")
        let chart = IntervalChart(name: "compare-" + GnuplotText.fileStem(metric), title: "\(metric): \(names) (mean ± 95% interval)",
                                  xLabel: sharedAxes.isEmpty ? "" : sharedAxes.joined(separator: ", "), yLabel: MetricOrder.label(metric),
                                  categories: categories, series: series).chart
        return [ReportFigure(chart: chart, caption: "\(metric) of each experiment at the same shared-axis values.")]
    }
}
