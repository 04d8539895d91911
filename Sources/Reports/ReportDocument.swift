import Lineage

/// A report: the README's Markdown and the charts it links to (under `charts/`).
public struct ReportDocument: Sendable {
    /// Folder of the charts, relative to the README.
    public static let chartFolder = "charts"

    /// The README text.
    public var markdown: String
    /// The figures, in the order the README shows them.
    public var figures: [ReportFigure]

    /// A document from its parts.
    public init(markdown: String, figures: [ReportFigure]) {
        self.markdown = markdown
        self.figures = figures
    }

    /// The report of `results`; `command` is the command line that regenerates it (printed at the end).
    public init(results: ExperimentResults, options: ReportOptions, command: String, comparison: [ExperimentResults] = []) throws {
        let charts = try ResultCharts(results: results, options: options)
        let subject = results.subject
        var md = "# Experiment `\(subject.name)`\n\n"
        var figures: [ReportFigure] = []
        func add(_ figure: ReportFigure?) {
            guard let figure else { return }
            figures.append(figure)
            md += Self.figureMarkdown(figure)
        }
        if let description = subject.prose.description { md += description + "\n\n" }
        for (heading, text) in [("Question", subject.prose.question), ("Hypothesis", subject.prose.hypothesis), ("Notes", subject.prose.notes)] {
            if let text { md += "## \(heading)\n\n\(text)\n\n" }
        }

        md += "## Results\n\n"
        let metrics = results.metricNames
        // A grid that evaluates nothing measures its training: its peak memory leads, where it was recorded.
        let training = subject.evaluationMetrics.isEmpty && !metrics.contains("eval_loss") ? ["peak_rss_mib"] : []
        let primary = options.metric ?? (["eval_loss"] + subject.evaluationMetrics + training + metrics).first(where: metrics.contains)
        if let metric = options.metric, !metrics.contains(metric) {
            throw ReportError.unknownMetric(name: metric, experiment: subject.name, known: metrics)
        }
        var counts: [String: Int] = [:]
        for c in results.cells { counts[c.status.rawValue, default: 0] += 1 }
        md += "\(results.cells.count) cell\(results.cells.count == 1 ? "" : "s"): " + counts.keys.sorted().map { "\(counts[$0]!) \($0)" }.joined(separator: ", ")
        md += results.configurationAxes.isEmpty ? ".\n\n" : "; axes " + results.axes.map { "`\($0)`" }.joined(separator: ", ") + ".\n\n"
        if results.leftOutCells > 0 {
            md += "\(results.leftOutCells) more cell\(results.leftOutCells == 1 ? " is" : "s are") recorded for this experiment but no longer "
                + "declared by its spec (planned before the spec changed): left out of this report.\n\n"
        }
        if let overrides = subject.overrides {
            md += "Planned with command-line overrides: `\(overrides)` (each `--set` holds in every cell they planned; "
                + "each `--axis` is an axis above). The tables list the cells of the grid they plan.\n\n"
        }

        md += "### All cells\n\n"
        let cellTable = CellTable(results)
        md += cellTable.table.markdown + "\n"
        if !cellTable.constants.isEmpty {
            md += "Same in every cell: " + cellTable.constants.map { MarkdownTable.inert("\($0.name) = \($0.value)") }.joined(separator: ", ") + ". "
        }
        md += "**Bold**: the best value of its column (metrics whose direction is known). Final metrics of each cell's latest succeeded run.\n\n"
        md += SupportSection(results).markdown

        if let primary {
            md += "### Top configurations by \(primary)\n\n"
            let top = TopTable(results, metric: primary, count: options.topCount)
            md += top.table.markdown + "\n" + top.method + "\n\n"
            add(top.pairedDifferenceChart(results: results, metric: primary, count: options.topCount))
            if let steps = StepComparison(results, top: top, metric: primary, count: options.topCount) {
                md += "#### \(primary) along training\n\n" + steps.table.markdown + "\n" + steps.method + "\n\n"
                add(steps.chart(results: results))
            }
        }

        md += "### Training loss\n\n"
        for f in charts.curves(series: "loss", name: "loss", what: "Training loss", smoothing: options.smoothing) { add(f) }

        let headline = ([primary].compactMap { $0 } + subject.evaluationMetrics.filter { $0.hasPrefix("exact_") || $0.hasPrefix("choice_") })
            .reduce(into: [String]()) { if metrics.contains($1) && !$0.contains($1) { $0.append($1) } }
        var shownEvalCurves = false
        for metric in headline {
            md += "### \(Self.heading(metric))\n\n"
            if metric.hasPrefix("eval_") && !shownEvalCurves {
                shownEvalCurves = true
                for f in charts.curves(series: "eval_loss", name: "eval-loss", what: "Held-out loss during training", smoothing: 0) { add(f) }
            }
            add(charts.heatMap(metric: metric))
            if let axis = charts.colorAxis, axis != ExperimentResults.seedAxis { add(charts.byAxis(metric: metric, axis: axis)) }
        }
        if !shownEvalCurves {
            let curves = charts.curves(series: "eval_loss", name: "eval-loss", what: "Held-out loss during training", smoothing: 0)
            if !curves.isEmpty { md += "### Held-out loss during training\n\n" }
            for f in curves { add(f) }
        }

        if let quantization = results.configurationAxes.first(where: { $0.lowercased().contains("quantization") }) {
            md += "### Data types\n\n"
            let errors = metrics.filter { m in ["rmse", "error", "quant"].contains(where: m.lowercased().contains) }
            for metric in errors {
                add(charts.byAxis(metric: metric, axis: quantization, name: "quantization-\(GnuplotText.fileStem(metric))", what: "Quantization error \(metric)"))
            }
            if errors.isEmpty { md += "No quantization error metric is recorded for these runs (none named *rmse*, *error* or *quant*); perplexity follows.\n\n" }
            for metric in metrics where metric.hasPrefix("perplexity_") && !MetricSupport.isCount(metric) {
                let zeroShot = metric.hasSuffix("_base")
                add(charts.byAxis(metric: metric, axis: quantization, name: "quantization-\(GnuplotText.fileStem(metric))",
                                  what: zeroShot ? "Zero-shot perplexity of the base (\(metric))" : "Perplexity after fine-tuning (\(metric))"))
            }
            add(charts.byAxis(metric: "eval_perplexity", axis: quantization, name: "quantization-perplexity", what: "Held-out perplexity"))
        }

        if !results.tournaments.isEmpty {
            for t in results.tournaments {
                md += "### Tournament `\(t.id)`\n\n"
                let byID = Dictionary(results.cells.map { ($0.cell, $0) }, uniquingKeysWith: { a, _ in a })
                let rows = t.ratings.map { r in
                    [r.method, r.cell, byID[r.cell].map { results.label(of: $0) } ?? (BaseContestant.isBase(r.cell) ? BaseContestant.label : "–"), NumberFormat.short(r.rating),
                     r.lower.map(NumberFormat.short) ?? "–", r.upper.map(NumberFormat.short) ?? "–"]
                }
                md += MarkdownTable(header: ["method", "cell", "configuration", "rating", "lower", "upper"], rows: rows, rightAligned: [3, 4, 5]).markdown + "\n"
            }
            for f in charts.tournaments() { add(f) }
        }

        let throughput = charts.perCell(metric: "tokens_per_second", what: "Training throughput", unit: "tokens/s", color: "#009E73")
        let memory = charts.perCell(metric: "peak_rss_mib", what: "Peak memory (resident set)", unit: "MiB", color: "#CC79A7")
        let parts = charts.memoryByPart()
        let timing = TimeTable(results)
        if throughput != nil || memory != nil || parts != nil || timing != nil {
            md += "### Throughput, memory and time\n\n"
            add(throughput)
            add(memory)
            add(parts)
            if let timing {
                md += "Where each cell's time went, in seconds of its latest run (the held-out loss includes its "
                md += "evaluations during training):\n\n" + timing.markdown + "\n"
            }
        }

        if !comparison.isEmpty {
            let compared = try Comparison(base: results, others: comparison, metric: primary)
            md += compared.markdown
            for f in compared.figures { add(f) }
        }

        md += "## Conclusion\n\n"
        md += subject.prose.conclusion.map { $0 + "\n\n" }
            ?? "_No conclusion yet: write one in the spec with `Conclusion(\"…\")` once you have read this report._\n\n"
        md += LineageSection(results: results, runsFolder: options.runsFolder).markdown + "\n"
        md += "---\n\nGenerated from the lineage store by `\(command)`; run it again to regenerate this page and its charts. "
        md += "Each chart's gnuplot script and data sit beside it in `\(Self.chartFolder)/` (`gnuplot NAME.gp` re-renders it).\n"
        markdown = md
        self.figures = figures
    }

    static func heading(_ metric: String) -> String {
        if metric == "eval_loss" || metric == "eval_perplexity" { return "Held-out loss" }
        if metric.hasPrefix("exact_") { return "Exact answers: \(metric.dropFirst("exact_".count))" }
        if metric.hasPrefix("choice_") { return "Multiple choice: \(metric.dropFirst("choice_".count))" }
        return metric
    }

    static func figureMarkdown(_ figure: ReportFigure) -> String {
        let base = "\(chartFolder)/\(figure.chart.name)"
        let data = figure.chart.dataFiles.map { "[data](\(chartFolder)/\($0.name))" }.joined(separator: " · ")
        return "![\(figure.chart.title)](\(base).svg)\n\n\(figure.caption) [PNG](\(base).png) · [gnuplot script](\(base).gp) · \(data)\n\n"
    }
}
