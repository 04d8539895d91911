/// The best configurations by one metric: mean and 95% interval over seeds, and a paired test against the best,
/// the tests of the table adjusted together (Holm) so that "significant" means the same on every page.
public struct TopTable: Sendable {
    /// The table.
    public let table: MarkdownTable
    /// The configurations ranked best first (all of them, not only the rows shown).
    public let ranked: [Configuration]
    /// Each configuration after the best against the best, in rank order, with its Holm-adjusted p-value.
    public let comparisons: [(configuration: Configuration, test: PairedTest, adjustedP: Double?)]
    /// The axes that tell the ranked configurations apart.
    public let axes: [String]
    /// How the test was done, for the text under the table.
    public let method: String

    /// The significance level of every test in a report.
    public static let alpha = 0.05

    /// What a comparison shows: significant when its adjusted p-value is below α, suggestive when only its own is.
    public static func verdict(p: Double?, adjustedP: Double?) -> String {
        guard let p, let adjustedP else { return "untested" }
        if adjustedP < alpha { return "significant" }
        return p < alpha ? "suggestive" : "no"
    }

    /// The top `count` configurations of `results` by `metric` (ranked by its direction; lower first when unknown).
    public init(_ results: ExperimentResults, metric: String, count: Int) {
        let direction = MetricDirection(metric: metric) ?? .lowerIsBetter
        let configurations = results.configurations().filter { !$0.summary(of: metric).mean.isNaN }
        let ranked = configurations.sorted { a, b in
            direction.isBetter(a.summary(of: metric).mean, than: b.summary(of: metric).mean)
        }
        let axes = results.configurationAxes.filter { axis in Set(ranked.map { $0.cells[0].axisValues[axis] ?? "" }).count > 1 }
        self.ranked = ranked
        self.axes = axes
        // The family is every comparison the table makes, shown or not.
        let tests = ranked.dropFirst().map { PairedTest(candidate: $0.values(of: metric), reference: ranked[0].values(of: metric)) }
        let adjusted = PairedTest.holm(tests.map(\.pValue))
        comparisons = tests.indices.map { (ranked[$0 + 1], tests[$0], adjusted[$0]) }
        let header = ["rank"] + axes + ["\(metric) (mean ± 95% CI)", "seeds", "Δ vs best", "p (paired t)", "p (Holm)", "differs from best"]
        var rows: [[String]] = []
        for (i, c) in ranked.prefix(count).enumerated() {
            let summary = c.summary(of: metric)
            var row = ["\(i + 1)"] + axes.map { c.cells[0].axisValues[$0] ?? "–" }
            row += [NumberFormat.interval(summary), "\(summary.values.count)"]
            if i == 0 {
                row += ["—", "—", "—", "best"]
            } else {
                let (_, test, adjustedP) = comparisons[i - 1]
                let delta = test.pairs > 0 ? test.meanDifference : summary.mean - ranked[0].summary(of: metric).mean
                row.append((delta >= 0 ? "+" : "") + NumberFormat.short(delta))
                if let p = test.pValue, let adjustedP {
                    let verdict = Self.verdict(p: p, adjustedP: adjustedP)
                    row += [NumberFormat.pValue(p), NumberFormat.pValue(adjustedP), verdict == "significant" ? "**yes**" : verdict]
                } else {
                    row += ["n/a", "n/a", test.pairs < 2 ? "untested (\(test.pairs) paired seed\(test.pairs == 1 ? "" : "s"))" : "untested"]
                }
            }
            rows.append(row)
        }
        table = MarkdownTable(header: header, rows: rows, rightAligned: Set((axes.count + 1)...(axes.count + 5)))
        let family = tests.filter { $0.pValue != nil }.count
        let rule = family == 0
            ? "No test was possible here, so no difference in this table is called significant."
            : "The \(family) test\(family == 1 ? "" : "s") of this table \(family == 1 ? "is" : "are") one family: p (Holm) is Holm's "
                + "step-down adjustment over \(family == 1 ? "it" : "all of them, shown or not"). A difference is **significant** when its "
                + "adjusted p < \(Self.alpha), *suggestive* when only its own p is."
        method = """
            Intervals: Student-t 95% confidence interval of the mean over seeds. Test: two-sided paired t-test of each \
            configuration against the best, pairing runs by seed (needs at least two seeds both ran); Δ is the mean \
            paired difference. \(rule) Ranked by \(metric), \(direction.phrase).
            """
    }

    /// Per seed, each configuration's difference from the best, with the mean and its 95% interval: the evidence
    /// the paired tests weigh (intervals of the means side by side may overlap while the paired differences do not).
    public func pairedDifferenceChart(results: ExperimentResults, metric: String, count: Int) -> ReportFigure? {
        let shown = comparisons.prefix(max(0, count - 1)).filter { $0.test.pairs > 0 }
        // With one seed there is no interval to draw: the Δ column says it all.
        guard shown.contains(where: { $0.test.pairs >= 2 }), let best = ranked.first else { return nil }
        let label = { (c: Configuration) in results.label(of: c.cells[0], axes: axes.isEmpty ? nil : axes) }
        let file = "paired-" + GnuplotText.fileStem(metric) + ".tsv"
        let title = "\(metric): each configuration minus the best (\(label(best))), per seed"
        var data = "# \(GnuplotText.comment(title))\n# block 0: x position, mean difference, lower and upper end of its 95% interval, pairs, Holm-adjusted p, configuration\n"
        data += "x\tmean\tlower\tupper\tpairs\tholm\tconfiguration\n"
        var seeds = "x\tdifference\tseed\n"
        for (k, c) in shown.enumerated() {
            let s = SampleSummary(c.test.differences)
            data += "\(k)\t\(GnuplotText.number(s.mean))\t\(GnuplotText.number(s.lower))\t\(GnuplotText.number(s.upper))\t\(c.test.pairs)\t"
            data += "\(c.adjustedP.map(GnuplotText.number) ?? "NaN")\t\(GnuplotText.field(label(c.configuration)))\n"
            for (d, seed) in zip(c.test.differences, c.test.seeds) { seeds += "\(k)\t\(GnuplotText.number(d))\t\(GnuplotText.field(seed))\n" }
        }
        data += "\n\n# block 1: each seed's difference\n" + seeds
        let categories = shown.map { label($0.configuration) }
        let widest = categories.map(\.count).max() ?? 0
        let upright = categories.count * (widest + 2) * 8 > 840
        let labelRows = upright ? (widest + 1) / 2 : 0
        let direction = MetricDirection(metric: metric) ?? .lowerIsBetter
        let body = """
            set title \(GnuplotText.title(title))
            set ylabel \(GnuplotText.quoted("Δ " + MetricOrder.label(metric) + (direction == .lowerIsBetter ? " (above 0: worse than the best)" : " (below 0: worse than the best)")))
            set xrange [-0.5:\(Double(categories.count) - 0.5)]
            set xtics \(GnuplotText.tics(categories)) nomirror\(upright ? " rotate by 90 right" : "")
            set ytics nomirror
            set grid ytics lc rgb '#dddddd'
            set key below Left reverse box lc rgb '#bbbbbb' width 1 maxcols 2
            set bmargin \(7 + labelRows)
            set border 3
            set offsets 0, 0, graph 0.08, graph 0.08
            plot 0 with lines lc rgb '#888888' dt 2 notitle, \\
                 \(GnuplotText.quoted(file)) index 1 skip 1 using ($1+0.12):2 with points pt 6 ps 1.2 lc rgb '\(GnuplotText.palette[1 % GnuplotText.palette.count])' title "one seed", \\
                 \(GnuplotText.quoted(file)) index 0 skip 1 using 1:2:3:4 with yerrorbars lw 2 pt 7 ps 1.4 lc rgb '\(GnuplotText.palette[0])' title "mean paired difference ± 95% interval"
            """
        let chart = Chart(name: "paired-" + GnuplotText.fileStem(metric), title: title, body: body, dataFiles: [(file, data)], height: 560 + 22 * labelRows)
        return ReportFigure(chart: chart, caption: "The evidence behind the table: each configuration's \(metric) minus the best's on the same seed (open circles), "
            + "and their mean with its Student-t 95% interval; an interval clear of the dashed zero line is a paired difference, "
            + "called significant only when it survives the Holm adjustment in the table.")
    }
}
