import Foundation
import Lineage
import Testing
@testable import Reports

@Suite struct ChartDataTests {
    private func figures(_ results: ExperimentResults, _ options: ReportOptions = ReportOptions()) throws -> [String: Chart] {
        let document = try ReportDocument(results: results, options: options, command: "qlab report grid")
        return Dictionary(uniqueKeysWithValues: document.figures.map { ($0.chart.name, $0.chart) })
    }

    @Test func lossCurvesSplitAndCarryTheStoresSteps() throws {
        let fixture = try TestStore()
        defer { fixture.cleanUp() }
        let charts = try figures(try fixture.results())
        // 12 curves > 8: one chart per rank (the first axis other than the colouring learning rate).
        let names = charts.keys.filter { $0.hasPrefix("loss") }.sorted()
        #expect(names == ["loss-rank-16", "loss-rank-8"])
        for (ri, rank) in TestStore.ranks.enumerated() {
            let chart = try #require(charts["loss-rank-\(rank)"])
            let blocks = dataBlocks(chart.dataFiles[0].contents)
            #expect(blocks.count == 6)
            for block in blocks {
                let id = try #require(block.comment.split(separator: " ").dropFirst(2).first.map(String.init))
                let run = try #require(try fixture.store.runs(cell: id).last)
                let series = try #require(try fixture.store.metricSeries(run: run.id).first { $0.name == "loss" })
                #expect(block.rows.map { Int($0[0])! } == series.steps)
                #expect(block.rows.map { Double($0[1])! } == series.values)
                #expect(block.comment.contains("rank=\(rank)"))
            }
            #expect(chart.body.components(separatedBy: " with lines ").count - 1 == 6)
            _ = ri
        }
        // One held-out point a cell (measured only at the end) is no curve: no chart, the final-metric charts show it.
        #expect(!charts.keys.contains { $0 == "eval-loss" || $0.hasPrefix("eval-loss-rank") }, "\(charts.keys.sorted())")
        // A second held-out measurement in one cell makes curves of them.
        let id = try #require(fixture.cells["0.0002/8/0"])
        let run = try #require(try fixture.store.runs(cell: id).last)
        _ = try fixture.store.appendMetrics(run: run.id, [MetricPoint(step: 3, name: "eval_loss", value: 3.25)])
        let again = try figures(try fixture.results())
        let eval = try #require(again["eval-loss-rank-8"])
        let blocks = dataBlocks(eval.dataFiles[0].contents)
        #expect(blocks.count == 6)
        #expect(blocks.filter { $0.rows.count == 2 }.count == 1 && blocks.filter { $0.rows.count == 1 && $0.rows[0][0] == "5" }.count == 5)
    }

    @Test func smoothingIsAnExponentialMovingAverage() {
        #expect(CurveChart.smooth([1, 2, .nan, 4], span: 3) == [1, 1.5, 1.5, 2.75])
        #expect(CurveChart.smooth([1, 2], span: 0) == [1, 2])
    }

    @Test func heatMapRowsAreMeansOverSeeds() throws {
        let fixture = try TestStore()
        defer { fixture.cleanUp() }
        let chart = try #require(try figures(try fixture.results())["heatmap-eval-loss"])
        let rows = dataBlocks(chart.dataFiles[0].contents)[0].rows
        #expect(rows.count == 4)
        for row in rows {
            let li = Int(row[0])!, ri = Int(row[1])!
            #expect(row[3] == TestStore.learningRates[li] && row[4] == TestStore.ranks[ri])
            let values = try TestStore.seeds.map { seed -> Double in
                let run = try #require(try fixture.store.runs(cell: fixture.cells["\(row[3])/\(row[4])/\(seed)"]!).last)
                return try fixture.store.finalMetrics(run: run.id)["eval_loss"]!
            }
            #expect(abs(Double(row[2])! - values.reduce(0, +) / 3) < 1e-15)
        }
    }

    @Test func metricByAxisHasMeanAndInterval() throws {
        let fixture = try TestStore()
        defer { fixture.cleanUp() }
        let chart = try #require(try figures(try fixture.results())["eval-loss-by-learningRate"])
        let blocks = dataBlocks(chart.dataFiles[0].contents)
        #expect(blocks.map(\.comment) == ["# rank=8", "# rank=16"])
        for (ri, block) in blocks.enumerated() {
            for row in block.rows {
                let li = Int(row[0])!
                let values = (0..<3).map { TestStore.evalLoss(lr: li, rank: ri, seed: $0) }
                let mean = values.reduce(0, +) / 3
                let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 2).squareRoot()
                let half = 4.302652729911275 * sd / 3.0.squareRoot()
                #expect(abs(Double(row[1])! - mean) < 1e-12)
                #expect(abs(Double(row[2])! - (mean - half)) < 1e-9)
                #expect(abs(Double(row[3])! - (mean + half)) < 1e-9)
                #expect(row[4] == "3" && row[5] == TestStore.learningRates[li])
            }
        }
    }

    /// Cells recorded with the larger rate first: the chart still runs from the smaller rate to the larger, so
    /// that its lines join neighbouring rates.
    @Test func metricByAxisRunsInIncreasingOrderOfANumericAxis() throws {
        let fixture = try TestStore(ratesRecordedDescending: true)
        defer { fixture.cleanUp() }
        #expect(try fixture.results().values(of: "optimizer.learningRate") == ["0.001", "0.0002"], "recorded in that order")
        let chart = try #require(try figures(try fixture.results())["eval-loss-by-learningRate"])
        for block in dataBlocks(chart.dataFiles[0].contents) {
            #expect(block.rows.map { $0[5] } == ["0.0002", "0.001"])
            #expect(block.rows.map { Int($0[0])! } == [0, 1])
        }
    }

    @Test func eloAndWinRatesFromTheTournament() throws {
        let fixture = try TestStore()
        defer { fixture.cleanUp() }
        let a = fixture.cells["0.001/16/0"]!, b = fixture.cells["0.0002/8/0"]!
        try fixture.store.recordRatings([
            RatingRecord(tournament: "grid", cell: a, method: "elo", rating: 1040, lower: 1010, upper: 1070),
            RatingRecord(tournament: "grid", cell: b, method: "elo", rating: 960, lower: 930, upper: 990),
            // A second method rates the same cells: the win-rate matrix still has each cell once.
            RatingRecord(tournament: "grid", cell: b, method: "bradley-terry", rating: 961, lower: 931, upper: 991),
            RatingRecord(tournament: "grid", cell: a, method: "bradley-terry", rating: 1039, lower: 1011, upper: 1069),
        ])
        // a beats b three times, loses once, ties once; one failed judgment is left out: a's rate (3 + 0.5) / 5.
        let outcomes: [(JudgmentWinner, Bool)] = [(.a, false), (.a, true), (.b, false), (.tie, false), (.a, false), (.failed, false)]
        try fixture.store.recordJudgments(outcomes.enumerated().map { i, o in
            // The second judgment lists the pair the other way round: "b" there is cell a.
            let (first, second, winner) = o.1 ? (b, a, JudgmentWinner.b) : (a, b, o.0)
            return JudgmentRecord(tournament: "grid", prompt: "p\(i)", cellA: first, cellB: second, presentationOrder: .ab,
                                  winner: winner, judge: "reference", rawOutput: "")
        })
        let charts = try figures(try fixture.results())
        let elo = dataBlocks(try #require(charts["elo-grid-elo"]).dataFiles[0].contents)[0].rows
        #expect(elo.map { Array($0[0...3]) } == [["1", "1040.0", "1010.0", "1070.0"], ["0", "960.0", "930.0", "990.0"]])
        let wins = dataBlocks(try #require(charts["winrate-grid"]).dataFiles[0].contents)[0].rows
        #expect(wins.map { [$0[0], $0[1], $0[2]] } == [["1", "0", "\(3.5 / 5)"], ["0", "1", "\(1.5 / 5)"]])
        #expect(try #require(charts["winrate-grid"]).body.contains("set yrange [1.5:-0.5]"), "best row on top")
    }

    /// The untrained base rated beside the cells is kept, named as the base, in the table and both charts.
    @Test func theBaseContestantIsShownAsTheBase() throws {
        let fixture = try TestStore()
        defer { fixture.cleanUp() }
        let a = fixture.cells["0.001/16/0"]!
        let base = BaseContestant.prefix + "0123456789abcdef"
        try fixture.store.recordReferenceCell(id: base, config: #"{"model":{}}"#)
        // A cell of no experiment and not a base stays out, as a cell of another experiment would.
        try fixture.store.recordReferenceCell(id: "stranger", config: "{}")
        try fixture.store.recordRatings([
            RatingRecord(tournament: "grid", cell: a, method: "elo", rating: 1030, lower: 1000, upper: 1060),
            RatingRecord(tournament: "grid", cell: base, method: "elo", rating: 970, lower: 940, upper: 1000),
            RatingRecord(tournament: "grid", cell: "stranger", method: "elo", rating: 1000, lower: nil, upper: nil),
        ])
        try fixture.store.recordJudgments([JudgmentRecord(tournament: "grid", prompt: "p0", cellA: a, cellB: base, presentationOrder: .ab,
                                                          winner: .a, judge: "reference", rawOutput: "")])
        let results = try fixture.results()
        #expect(results.tournaments.first?.ratings.map(\.cell).sorted() == [a, base].sorted())
        let document = try ReportDocument(results: results, options: ReportOptions(), command: "qlab report grid")
        let ratings = try #require(table(in: document.markdown, after: "### Tournament `grid`"))
        #expect(ratings.rows.first { $0[1] == base }?[2] == "base (no adapter)")
        let charts = Dictionary(document.figures.map { ($0.chart.name, $0.chart) }, uniquingKeysWith: { a, _ in a })
        #expect(try #require(charts["elo-grid-elo"]).dataFiles[0].contents.contains("base (no adapter)"))
        #expect(try #require(charts["winrate-grid"]).body.contains("base (no adapter)"))
        #expect(!BaseContestant.isBase("base-xyz") && !BaseContestant.isBase("0123456789abcdef0123"))
    }

    @Test func comparisonAlignsSharedAxesAndNamesDifferingSettings() throws {
        let fixture = try TestStore()
        defer { fixture.cleanUp() }
        // A second experiment: the same learning rates, 10 steps instead of 5, one seed, eval_loss 1 lower.
        var definitions: [CellDefinition] = []
        for lr in TestStore.learningRates {
            definitions.append(CellDefinition(id: "long-\(lr)", config: #"{"adapter":null,"optimizer":{"learningRate":\#(lr)},"seed":0,"steps":10}"#,
                                              axisValues: #"{"optimizer.learningRate":"\#(lr)"}"#))
        }
        try fixture.store.recordExperiment(ExperimentRecord(name: "longer", description: "", specHash: nil), cells: definitions)
        for (i, d) in definitions.enumerated() {
            let run = try fixture.store.startRun(RunRecord(cell: d.id))
            try fixture.store.recordFinalMetrics(run: run, ["eval_loss": 1.25 - 0.5 * Double(i)])
            try fixture.store.finishRun(id: run, status: .succeeded)
        }
        let other = try ExperimentResults.load(from: fixture.store, subject: ReportSubject(name: "longer", axes: ["optimizer.learningRate"]))
        let document = try ReportDocument(results: try fixture.results(), options: ReportOptions(), command: "qlab report grid --compare longer", comparison: [other])
        let settings = try #require(table(in: document.markdown, after: "## Comparison"))
        // Values as they are (bold is for the best of a row, and no setting is best), a null as "unset".
        #expect(settings.rows == [["adapter", "(absent)", "unset"], ["steps", "5", "10"]])
        let aligned = try #require(table(in: document.markdown, after: "the best of each row"))
        #expect(aligned.header == ["optimizer.learningRate", "grid (n)", "longer (n)", "Δ longer"])
        // grid at lr 0.0002 pools ranks and seeds: mean of 2.5, 2.625, 2.75, 2.25, 2.375, 2.5 = 2.5.
        #expect(aligned.rows[0][0] == "0.0002" && aligned.rows[0][1].hasPrefix("2.5 ± ") && aligned.rows[0][2] == "**1.25 (1)**" && aligned.rows[0][3] == "-1.25")
        // Chart names are file stems: the metric's underscore becomes a dash, as in "heatmap-eval-loss".
        let names = document.figures.map(\.chart.name)
        let chart = try #require(document.figures.first { $0.chart.name == "compare-eval-loss" }, "\(names)")
        let blocks = dataBlocks(chart.chart.dataFiles[0].contents)
        #expect(blocks.map(\.comment) == ["# grid", "# longer"])
        #expect(blocks[1].rows.map { Double($0[1])! } == [1.25, 0.75])
    }
}

/// Category labels that would overlap side by side are turned upright, with room made for them below.
struct IntervalChartLabelTests {
    private func chart(_ categories: [String]) -> Chart {
        IntervalChart(name: "c", title: "t", xLabel: "x", yLabel: "y", categories: categories,
                      series: [.init(title: "s", summaries: categories.map { _ in SampleSummary([1, 2, 3]) })]).chart
    }

    @Test func crowdedLabelsAreTurnedUprightAndFewShortOnesAreNot() {
        let few = chart(["rank=8", "rank=16"])
        #expect(!few.body.contains("rotate"))
        let crowded = chart((0..<6).map { "rank=\($0) lora.targets=[q_proj,v_proj] lr=0.0002" })
        #expect(crowded.body.contains("nomirror rotate by 90 right"))
        #expect(crowded.height > few.height)
        let margin = { (c: Chart) in c.body.split(separator: "\n").first { $0.contains("set bmargin") }.map(String.init) ?? "" }
        #expect(margin(crowded) != margin(few), "\(margin(crowded))")
    }

    /// Learning rates stand at their values on a log axis; labels, names and narrow numeric ranges stay categories.
    @Test func ratesSpanningAFactorOfEightOrMoreStandOnALogAxis() {
        let rates = chart(["0.0001", "0.0002", "0.0005", "0.001"])
        #expect(rates.body.contains("set logscale x 10"))
        #expect(rates.body.contains("set xtics ('0.0001' 0.0001, '0.0002' 0.0002, '0.0005' 0.0005, '0.001' 0.001)"), "\(rates.body)")
        // The data's x column holds the values themselves.
        let rows = rates.dataFiles[0].contents.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("x\t") }
        #expect(rows.map { $0.split(separator: "\t")[0] } == ["0.0001", "0.0002", "0.0005", "0.001"])
        for categories in [["8", "16"], ["1", "2", "4"], ["nf4", "fp4", "int4"], ["0", "1", "10"], ["-1", "4", "16"]] {
            #expect(!chart(categories).body.contains("logscale"), "\(categories)")
        }
        #expect(chart(["8", "16", "64"]).body.contains("logscale"))
    }
}

/// Long chart titles are broken between words instead of running off the picture.
struct ChartTitleTests {
    @Test func aLongTitleIsBrokenBetweenWordsIntoShortLines() {
        let title = "Zero-shot perplexity of the base (perplexity_fortunes_base) of quantization-types by quantization (mean ± 95% interval over 3 seeds)"
        let spelled = GnuplotText.title(title, width: 60)
        #expect(spelled.hasPrefix("\"") && spelled.hasSuffix("\""))
        let lines = spelled.dropFirst().dropLast().components(separatedBy: "\\n")
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.count <= 60 })
        #expect(lines.joined(separator: " ") == title)
        // A short title stays on one line; quotes and backslashes are escaped for gnuplot.
        #expect(GnuplotText.title("a \"b\" c\\d") == "\"a \\\"b\\\" c\\\\d\"")
    }
}

/// The stacked memory chart: each part's box reaches its running sum, drawn from the top part down, and the mark
/// comes from its own column.
@Suite struct StackedBarChartTests {
    @Test func partsStackInOrderAndTheMarkHasItsColumn() {
        let chart = StackedBarChart(name: "m", title: "Memory", yLabel: "MiB", categories: ["a b", "c"],
                                    parts: [("base", "#111111", [100, 50]), ("optimizer", "#222222", [10, 5]), ("activations", "#333333", [1, 2])],
                                    mark: ("peak", [130, 70])).chart
        let rows = chart.dataFiles[0].contents.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
        #expect(rows[0] == ["x", "base", "optimizer", "activations", "top base", "top optimizer", "top activations", "peak", "category"])
        #expect(rows[1] == ["0", "100.0", "10.0", "1.0", "100.0", "110.0", "111.0", "130.0", "a b"])
        #expect(rows[2] == ["1", "50.0", "5.0", "2.0", "50.0", "55.0", "57.0", "70.0", "c"])
        // Columns 5-7 are the tops; the top part (column 7) is drawn first so that the lower ones show over it.
        let plot = chart.body.components(separatedBy: "plot ").last!
        let order = ["using 1:7", "using 1:6", "using 1:5", "using 1:8"].map { plot.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil })
        #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted())
        #expect(plot.contains("'#333333' title 'activations'") && plot.contains("with points"))
    }
}
