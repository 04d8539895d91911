/// The best configurations by one metric: mean and 95% interval over seeds, and a paired test against the best.
public struct TopTable: Sendable {
    /// The table.
    public let table: MarkdownTable
    /// The configurations ranked best first (all of them, not only the rows shown).
    public let ranked: [Configuration]
    /// How the test was done, for the text under the table.
    public let method: String

    /// The top `count` configurations of `results` by `metric` (ranked by its direction; lower first when unknown).
    public init(_ results: ExperimentResults, metric: String, count: Int) {
        let direction = MetricDirection(metric: metric) ?? .lowerIsBetter
        let configurations = results.configurations().filter { !$0.summary(of: metric).mean.isNaN }
        let ranked = configurations.sorted { a, b in
            direction.isBetter(a.summary(of: metric).mean, than: b.summary(of: metric).mean)
        }
        let axes = results.configurationAxes.filter { axis in Set(ranked.map { $0.cells[0].axisValues[axis] ?? "" }).count > 1 }
        self.ranked = ranked
        let header = ["rank"] + axes + ["\(metric) (mean ± 95% CI)", "seeds", "Δ vs best", "p (paired t)", "differs from best"]
        var rows: [[String]] = []
        let best = ranked.first
        for (i, c) in ranked.prefix(count).enumerated() {
            let summary = c.summary(of: metric)
            var row = ["\(i + 1)"] + axes.map { c.cells[0].axisValues[$0] ?? "–" }
            row += [NumberFormat.interval(summary), "\(summary.values.count)"]
            if i == 0 {
                row += ["—", "—", "best"]
            } else if let best {
                let test = PairedTest(candidate: c.values(of: metric), reference: best.values(of: metric))
                let delta = test.pairs > 0 ? test.meanDifference : summary.mean - best.summary(of: metric).mean
                row.append((delta >= 0 ? "+" : "") + NumberFormat.short(delta))
                if let p = test.pValue {
                    row += [NumberFormat.pValue(p), test.isSignificant() ? "**yes**" : "no"]
                } else {
                    row += ["n/a", test.pairs < 2 ? "untested (\(test.pairs) paired seed\(test.pairs == 1 ? "" : "s"))" : "untested"]
                }
            }
            rows.append(row)
        }
        table = MarkdownTable(header: header, rows: rows, rightAligned: Set((axes.count + 1)...(axes.count + 4)))
        method = """
            Intervals: Student-t 95% confidence interval of the mean over seeds. Test: two-sided paired t-test of each \
            configuration against the best, pairing runs by seed, α = 0.05 (needs at least two seeds both ran); \
            Δ is the mean paired difference. Ranked by \(metric), \(direction.phrase).
            """
    }
}
