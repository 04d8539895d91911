/// The top table's comparisons repeated at every step where the metric was measured during training (the
/// held-out loss every `evalEvery` steps): each configuration minus the best on the same seed, so that a reader
/// sees whether a gap opens or closes as training goes on, not only where it ends.
public struct StepComparison: Sendable {
    /// The steps every compared cell measured, ascending.
    public let steps: [Int]
    /// One paired test per compared configuration and step, with its Holm-adjusted p-value over the whole table.
    public let tests: [(configuration: Configuration, step: Int, test: PairedTest, adjustedP: Double?)]
    /// The table.
    public let table: MarkdownTable
    /// How the tests were made, for the text under the table.
    public let method: String
    /// The best configuration (the reference of every difference).
    public let best: Configuration
    /// Axes that tell the configurations apart.
    public let axes: [String]
    /// The metric (a per-step series of the same name).
    public let metric: String

    /// The comparisons of `top` (its first `count` configurations) at each step where every one of their cells
    /// has a value of the series `metric`; nil unless there are at least two such steps and a configuration to
    /// compare.
    public init?(_ results: ExperimentResults, top: TopTable, metric: String, count: Int) {
        guard let best = top.ranked.first else { return nil }
        let compared = top.comparisons.prefix(max(0, count - 1)).map(\.configuration)
        guard !compared.isEmpty else { return nil }
        let cells = ([best] + compared).flatMap(\.cells)
        var common: Set<Int>?
        for cell in cells {
            let steps = Set(cell.series[metric].map { s in s.steps.indices.filter { !s.values[$0].isNaN }.map { s.steps[$0] } } ?? [])
            common = common.map { $0.intersection(steps) } ?? steps
        }
        let steps = (common ?? []).sorted()
        guard steps.count >= 2 else { return nil }
        self.steps = steps
        self.best = best
        self.axes = top.axes
        self.metric = metric

        func byStep(_ c: Configuration, _ step: Int) -> [String: Double] {
            var values: [String: Double] = [:]
            for cell in c.cells {
                guard let s = cell.series[metric], let i = s.steps.lastIndex(of: step) else { continue }
                values[cell.seed] = s.values[i]
            }
            return values
        }
        var made: [(Configuration, Int, PairedTest)] = []
        for c in compared {
            for step in steps { made.append((c, step, PairedTest(candidate: byStep(c, step), reference: byStep(best, step)))) }
        }
        let adjusted = PairedTest.holm(made.map(\.2.pValue))
        tests = made.indices.map { (made[$0].0, made[$0].1, made[$0].2, adjusted[$0]) }

        let label = { (c: Configuration) in results.label(of: c.cells[0], axes: top.axes.isEmpty ? nil : top.axes) }
        var rows: [[String]] = []
        for t in tests {
            let s = SampleSummary(t.test.differences)
            let perSeed = zip(t.test.seeds, t.test.differences).map { "\($0): \($1 >= 0 ? "+" : "")\(NumberFormat.short($1))" }
            var row = [label(t.configuration), "\(t.step)", (s.mean >= 0 ? "+" : "") + NumberFormat.interval(s), perSeed.joined(separator: ", ")]
            if let p = t.test.pValue, let q = t.adjustedP {
                let verdict = TopTable.verdict(p: p, adjustedP: q)
                row += [NumberFormat.pValue(p), NumberFormat.pValue(q), verdict == "significant" ? "**yes**" : verdict]
            } else {
                row += ["n/a", "n/a", "untested (\(t.test.pairs) paired seed\(t.test.pairs == 1 ? "" : "s"))"]
            }
            rows.append(row)
        }
        table = MarkdownTable(header: ["configuration − \(label(best))", "step", "Δ \(metric) (mean ± 95% CI)", "per seed", "p (paired t)", "p (Holm)", "differs"],
                              rows: rows, rightAligned: [1, 2, 4, 5])
        let family = tests.filter { $0.test.pValue != nil }.count
        method = """
            The paired differences of the table above, at every step where all these cells measured \(metric) during \
            training. These \(family) test\(family == 1 ? " is" : "s are") a family of \(family == 1 ? "its" : "their") own, \
            Holm-adjusted together; significant and suggestive as above.
            """
    }

    /// The differences against the step: per seed (open circles) and their mean with its 95% interval, one colour
    /// per configuration.
    public func chart(results: ExperimentResults) -> ReportFigure {
        let label = { (c: Configuration) in results.label(of: c.cells[0], axes: axes.isEmpty ? nil : axes) }
        let file = "paired-by-step-" + GnuplotText.fileStem(metric) + ".tsv"
        let title = "\(metric) during training: each configuration minus the best (\(label(best))), per seed"
        var configurations: [Configuration] = []
        for t in tests where !configurations.contains(t.configuration) { configurations.append(t.configuration) }
        let span = Double((steps.last ?? 1) - (steps.first ?? 0))
        let shift = span / Double(max(steps.count - 1, 1)) * 0.06
        var data = "# \(GnuplotText.comment(title))\n"
        var plots = ["0 with lines lc rgb '#888888' dt 2 notitle"]
        for (k, c) in configurations.enumerated() {
            let colour = GnuplotText.palette[k % GnuplotText.palette.count]
            let offset = (Double(k) - Double(configurations.count - 1) / 2) * shift
            data += "# block \(2 * k): \(GnuplotText.comment(label(c))): step, mean difference, lower and upper end of its 95% interval, pairs, Holm-adjusted p\n"
            data += "step\tmean\tlower\tupper\tpairs\tholm\n"
            var seeds = "step\tdifference\tseed\n"
            for t in tests where t.configuration == c {
                let s = SampleSummary(t.test.differences)
                data += "\(t.step)\t\(GnuplotText.number(s.mean))\t\(GnuplotText.number(s.lower))\t\(GnuplotText.number(s.upper))\t\(t.test.pairs)\t"
                data += "\(t.adjustedP.map(GnuplotText.number) ?? "NaN")\n"
                for (d, seed) in zip(t.test.differences, t.test.seeds) { seeds += "\(t.step)\t\(GnuplotText.number(d))\t\(GnuplotText.field(seed))\n" }
            }
            data += "\n\n# block \(2 * k + 1): \(GnuplotText.comment(label(c))): each seed's difference\n" + seeds + "\n\n"
            let x = "($1\(offset >= 0 ? "+" : "")\(GnuplotText.number(offset)))"
            plots.append("\(GnuplotText.quoted(file)) index \(2 * k + 1) skip 1 using \(x):2 with points pt 6 ps 1.1 lc rgb '\(colour)' notitle")
            plots.append("\(GnuplotText.quoted(file)) index \(2 * k) skip 1 using \(x):2:3:4 with yerrorlines lw 2 pt 7 ps 1.3 lc rgb '\(colour)' "
                         + "title \(GnuplotText.quoted(label(c) + ": mean ± 95% interval"))")
        }
        let direction = MetricDirection(metric: metric) ?? .lowerIsBetter
        let body = """
            set title \(GnuplotText.title(title))
            set xlabel "step"
            set ylabel \(GnuplotText.quoted("Δ " + MetricOrder.label(metric) + (direction == .lowerIsBetter ? " (above 0: worse than the best)" : " (below 0: worse than the best)")))
            set xtics (\(steps.map { "\"\($0)\" \($0)" }.joined(separator: ", "))) nomirror
            set ytics nomirror
            set grid ytics lc rgb '#dddddd'
            set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
            set bmargin 7
            set border 3
            set offsets graph 0.04, graph 0.04, graph 0.08, graph 0.08
            plot \(plots.joined(separator: ", \\\n     "))
            """
        let chart = Chart(name: "paired-by-step-" + GnuplotText.fileStem(metric), title: title, body: body, dataFiles: [(file, data)])
        return ReportFigure(chart: chart, caption: "Whether the gaps open or close: each configuration's \(metric) minus the best's on the same seed "
            + "at each step it was measured (open circles), and their mean with its Student-t 95% interval; the last step is the table's final value.")
    }
}
