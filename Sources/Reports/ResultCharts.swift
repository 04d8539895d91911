import Foundation
import Lineage

/// The charts of one experiment's results, built from the store's numbers.
struct ResultCharts {
    let results: ExperimentResults
    let options: ReportOptions
    /// The axis colouring the curves (nil when the experiment varies nothing but seeds).
    let colorAxis: String?

    init(results: ExperimentResults, options: ReportOptions) throws {
        self.results = results
        self.options = options
        if let axis = options.colorAxis {
            guard results.axes.contains(axis) else {
                throw ReportError.unknownAxis(name: axis, experiment: results.subject.name, known: results.axes)
            }
            colorAxis = axis
        } else {
            colorAxis = results.configurationAxes.first ?? results.axes.first
        }
    }

    private var manySeeds: Bool { results.values(of: ExperimentResults.seedAxis).count > 1 }

    private func curveTitle(_ cell: CellResult) -> String {
        var axes = results.configurationAxes
        if manySeeds { axes.append(ExperimentResults.seedAxis) }
        return results.label(of: cell, axes: axes)
    }

    /// The cells to draw on each chart: all on one, or split by another axis's values when there are too many.
    private func curveGroups(_ cells: [CellResult]) -> [(suffix: String, heading: String?, cells: [CellResult])] {
        guard cells.count > options.maxCurvesPerChart,
              let split = results.axes.first(where: { $0 != colorAxis && $0 != ExperimentResults.seedAxis })
                ?? results.axes.first(where: { $0 != colorAxis }) else {
            return [("", nil, cells)]
        }
        return results.values(of: split).compactMap { value in
            let group = cells.filter { $0.axisValues[split] == value }
            guard !group.isEmpty else { return nil }
            let label = "\(results.shortName(of: split))=\(value)"
            return ("-" + GnuplotText.fileStem(label), label, group)
        }
    }

    /// Curves of per-step metric `series` (`loss` or `eval_loss`), one chart per group of cells.
    func curves(series: String, name: String, what: String, smoothing: Int) -> [ReportFigure] {
        let cells = results.ranCells.filter { $0.series[series].map { !$0.steps.isEmpty } ?? false }
        // One point a cell (a held-out loss measured only at the end) is no curve: the final-metric charts show it.
        guard cells.contains(where: { $0.series[series]!.steps.count >= 2 }) else { return [] }
        let colorValues = colorAxis.map(results.values(of:)) ?? []
        return curveGroups(cells).map { group in
            var dashes: [String: Int] = [:]
            let curves = group.cells.map { cell -> CurveChart.Curve in
                let value = colorAxis.flatMap { cell.axisValues[$0] } ?? cell.cell
                let colorIndex = colorValues.firstIndex(of: value) ?? (group.cells.firstIndex(of: cell) ?? 0)
                let dash = dashes[value, default: 0]
                dashes[value] = dash + 1
                let s = cell.series[series]!
                return CurveChart.Curve(
                    title: curveTitle(cell), comment: "cell \(cell.cell) \(curveTitle(cell))",
                    color: GnuplotText.palette[colorIndex % GnuplotText.palette.count], dash: dash % 5 + 1,
                    steps: s.steps, values: s.values)
            }
            var title = "\(what) of \(results.subject.name)"
            if let heading = group.heading { title += ", \(heading)" }
            if smoothing > 1 { title += " (smoothed: EMA over \(smoothing) steps)" }
            let chart = CurveChart(name: name + group.suffix, title: title, yLabel: "\(series) (nats per token)",
                                   curves: curves, smoothing: smoothing, points: series != "loss").chart
            var caption = "\(what) per cell, coloured by \(colorAxis.map(results.shortName(of:)) ?? "cell")"
            caption += curves.count > 1 && dashes.values.contains(where: { $0 > 1 }) ? " (line style: the other axes)." : "."
            return ReportFigure(chart: chart, caption: caption)
        }
    }

    /// Final metric `metric` over the first two configuration axes, averaged over seeds (and any further axes).
    func heatMap(metric: String) -> ReportFigure? {
        let axes = results.configurationAxes
        guard axes.count >= 2 else { return nil }
        let xValues = results.values(of: axes[0]), yValues = results.values(of: axes[1])
        var values: [(x: Int, y: Int, value: Double)] = []
        var pooled = false
        for (xi, x) in xValues.enumerated() {
            for (yi, y) in yValues.enumerated() {
                let cells = results.cells.filter { $0.axisValues[axes[0]] == x && $0.axisValues[axes[1]] == y }
                let summary = SampleSummary(cells.compactMap { $0.metrics[metric] })
                if summary.values.count > 1 { pooled = true }
                if !summary.mean.isNaN { values.append((xi, yi, summary.mean)) }
            }
        }
        guard !values.isEmpty else { return nil }
        let direction = MetricDirection(metric: metric)
        var title = "\(metric) of \(results.subject.name) by \(results.shortName(of: axes[0])) and \(results.shortName(of: axes[1]))"
        if pooled { title += axes.count > 2 ? " (mean over seeds and other axes)" : " (mean over seeds)" }
        if let direction { title += ", \(direction.phrase)" }
        let chart = HeatMapChart(
            name: "heatmap-" + GnuplotText.fileStem(metric), title: title, xLabel: axes[0], yLabel: axes[1],
            colorLabel: MetricOrder.label(metric),
            xCategories: xValues, yCategories: yValues, values: values,
            range: metric.hasPrefix("exact_") || metric.hasPrefix("choice_") ? 0...1 : nil, lowerIsBetter: direction != .higherIsBetter).chart
        return ReportFigure(chart: chart, caption: "Final \(metric) for each pair of \(axes[0]) and \(axes[1]) values" + (direction.map { "; \($0.phrase)" } ?? "") + ".")
    }

    /// Final metric `metric` against `axis`: mean ± 95% interval over seeds, one line per combination of the other axes.
    func byAxis(metric: String, axis: String, name: String? = nil, what: String? = nil) -> ReportFigure? {
        // In increasing order when every value is a number, so that lines join neighbours (cells may have been
        // declared, or have joined the experiment, in another order).
        let declared = results.values(of: axis)
        let numbers = declared.compactMap(Double.init)
        let categories = numbers.count == declared.count
            ? zip(declared, numbers).sorted { $0.1 < $1.1 }.map(\.0) : declared
        guard !categories.isEmpty else { return nil }
        let others = results.configurationAxes.filter { $0 != axis }
        var seriesKeys: [[String]] = []
        for cell in results.cells {
            let key = others.map { cell.axisValues[$0] ?? "" }
            if !seriesKeys.contains(key) { seriesKeys.append(key) }
        }
        var maxSeeds = 0
        let series = seriesKeys.map { key -> IntervalChart.Series in
            let summaries = categories.map { value -> SampleSummary? in
                let cells = results.cells.filter { c in c.axisValues[axis] == value && others.indices.allSatisfy { c.axisValues[others[$0]] ?? "" == key[$0] } }
                let s = SampleSummary(cells.compactMap { $0.metrics[metric] })
                maxSeeds = max(maxSeeds, s.values.count)
                return s.values.isEmpty ? nil : s
            }
            let title = others.isEmpty ? metric : zip(others, key).map { "\(results.shortName(of: $0))=\($1)" }.joined(separator: " ")
            return IntervalChart.Series(title: title, summaries: summaries)
        }
        guard maxSeeds > 0 else { return nil }
        let spread = maxSeeds > 1 ? "mean ± 95% interval over \(maxSeeds) seeds" : "one seed, so no interval"
        let title = "\(what ?? metric) of \(results.subject.name) by \(results.shortName(of: axis)) (\(spread))"
        let chart = IntervalChart(name: name ?? "\(GnuplotText.fileStem(metric))-by-\(GnuplotText.fileStem(results.shortName(of: axis)))",
                                  title: title, xLabel: axis, yLabel: MetricOrder.label(metric), categories: categories, series: series).chart
        let direction = MetricDirection(metric: metric)
        return ReportFigure(chart: chart, caption: "Final \(metric) against \(axis)\(others.isEmpty ? "" : ", one line per value of the other axes")" + (direction.map { "; \($0.phrase)" } ?? "") + ".")
    }

    /// The Elo chart and the win-rate matrix of each tournament.
    func tournaments() -> [ReportFigure] {
        var figures: [ReportFigure] = []
        let byID = Dictionary(results.cells.map { ($0.cell, $0) }, uniquingKeysWith: { a, _ in a })
        func label(_ id: String) -> String {
            byID[id].map { curveTitle($0) } ?? (BaseContestant.isBase(id) ? BaseContestant.label : String(id.prefix(12)))
        }
        for t in results.tournaments {
            let stem = GnuplotText.fileStem(t.id)
            for method in t.methods {
                let ratings = t.ratings.filter { $0.method == method }.sorted { $0.rating > $1.rating }
                let chart = EloChart(name: "elo-\(stem)-\(GnuplotText.fileStem(method))", title: "Tournament \(t.id): \(method) ratings, best first",
                                     entries: ratings.map { (label($0.cell), $0.rating, $0.lower, $0.upper) }).chart
                figures.append(ReportFigure(chart: chart, caption: Self.tournamentCaption(method)))
            }
            // Each cell once, in the rating order of the first method (every method rates the same cells).
            var cells: [String] = []
            let firstMethod = t.methods.first
            for r in t.ratings.filter({ $0.method == firstMethod }).sorted(by: { $0.rating > $1.rating }) where !cells.contains(r.cell) {
                cells.append(r.cell)
            }
            for j in t.judgments { for c in [j.cellA, j.cellB] where !cells.contains(c) { cells.append(c) } }
            var values: [(x: Int, y: Int, value: Double)] = []
            for (yi, row) in cells.enumerated() {
                for (xi, column) in cells.enumerated() where xi != yi {
                    if let rate = t.winRate(row, against: column) { values.append((xi, yi, rate)) }
                }
            }
            guard !values.isEmpty else { continue }
            let labels = cells.map(label)
            let chart = HeatMapChart(name: "winrate-\(stem)", title: "Tournament \(t.id): how often the row beat the column (ties count half)",
                                     xLabel: "opponent", yLabel: "cell", colorLabel: "win rate of the row", xCategories: labels,
                                     yCategories: labels, values: values, range: 0...1, lowerIsBetter: false, firstRowOnTop: true).chart
            figures.append(ReportFigure(chart: chart, caption: "Win rates from \(t.judgments.count) judgments (failed ones left out), rows and columns in rating order, best first (top row, left column)."))
        }
        return figures
    }

    /// Per-cell bars of a final metric (throughput, memory).
    func perCell(metric: String, what: String, unit: String, color: String) -> ReportFigure? {
        let cells = results.ranCells.filter { $0.metrics[metric] != nil }
        guard !cells.isEmpty else { return nil }
        let chart = BarChart(name: GnuplotText.fileStem(metric), title: "\(what) per cell of \(results.subject.name)", yLabel: "\(metric) (\(unit))",
                             categories: cells.map(curveTitle), values: cells.map { $0.metrics[metric]! }, color: color).chart
        var caption = "\(what) (\(unit)) of each cell's run."
        if metric == "tokens_per_second" {
            let shared = Self.overlapping(cells.compactMap(\.run))
            if !shared.isEmpty {
                caption += " \(shared.count) of these \(cells.count) runs overlapped in time with another run of this experiment, on the "
                    + "same machine or not: their throughput measures the load as much as the configuration, and is no speed comparison."
            } else {
                caption += " No two of these runs overlapped in time."
            }
        }
        return ReportFigure(chart: chart, caption: caption)
    }

    /// The memory parts a training run records (`MemoryParts.metricsMiB`), bottom of the stack first, with their
    /// legend labels and colours.
    static let memoryParts: [(metric: String, label: String, color: String)] = [
        ("memory_base_mib", "frozen base as stored", "#0072B2"),
        ("memory_trainable_mib", "trainable values and gradients", "#E69F00"),
        ("memory_optimizer_mib", "optimizer moments", "#009E73"),
        ("memory_activations_mib", "activations and their gradients", "#CC79A7"),
    ]

    /// Each cell's memory by part, stacked, with its peak resident set as a point (nil when no cell recorded parts).
    func memoryByPart() -> ReportFigure? {
        let cells = results.ranCells.filter { cell in Self.memoryParts.allSatisfy { cell.metrics[$0.metric] != nil } }
        guard !cells.isEmpty else { return nil }
        let rss = cells.allSatisfy { $0.metrics["peak_rss_mib"] != nil } ? cells.map { $0.metrics["peak_rss_mib"]! } : nil
        let chart = StackedBarChart(name: "memory-by-part", title: "Memory by part per cell of \(results.subject.name)", yLabel: "MiB",
                                    categories: cells.map(curveTitle),
                                    parts: Self.memoryParts.map { part in (part.label, part.color, cells.map { $0.metrics[part.metric]! }) },
                                    mark: rss.map { ("peak resident set", $0) }).chart
        let caption = "What each cell's training held, in MiB, as allocated: the frozen base as stored (4-bit codes and their "
            + "block constants, or float32; the embedding, norms and RoPE tables in float32), the trainable values with their "
            + "gradients, the optimizer's two moments, and the step's activation and gradient buffers. "
            + (rss == nil ? "" : "The point is the process's peak resident set, which adds the program, the libraries' pools, the data and "
                + "whatever was held while loading; a paged optimizer's moments are file-backed and count there only while resident.")
        return ReportFigure(chart: chart, caption: caption)
    }

    /// Ids of the runs whose [started, ended] overlaps another's (a run still going counts as open-ended).
    static func overlapping(_ runs: [RunRecord]) -> Set<String> {
        var out: Set<String> = []
        for (i, a) in runs.enumerated() {
            for b in runs[(i + 1)...] {
                let aEnd = a.ended ?? .distantFuture, bEnd = b.ended ?? .distantFuture
                if a.started < bEnd && b.started < aEnd { out.insert(a.id); out.insert(b.id) }
            }
        }
        return out
    }

    /// What a tournament chart's bars cover, by rating method.
    static func tournamentCaption(_ method: String) -> String {
        switch method {
        case "elo-paired":
            "Elo over random orderings of the paired comparisons (both presentation orders of a pair on a prompt judged as "
                + "one comparison); bars: 95% interval over bootstrap resamples of the prompts, the unit that was sampled, so they "
                + "cover which prompts were asked (and the orderings), not the judge's own noise on a prompt. Overlapping bars: "
                + "the order is not settled."
        case "elo":
            "Elo over random orderings of every judgment; bars: 2.5th–97.5th percentile over the orderings alone, which "
                + "measures how much the order of the battles moves a rating, not sampling error: the two presentations of a "
                + "pair count as independent battles, so these bars are too narrow to read as significance (elo-paired's are not)."
        case "bradley-terry":
            "Bradley–Terry ratings; bars: 95% interval over bootstrap resamples of the judgments, which treats the two "
                + "presentations of a pair and the pairs on one prompt as independent: narrower than a resample of prompts."
        default:
            "Ratings (\(method)) with their intervals; overlapping intervals mean the order is not settled."
        }
    }
}
