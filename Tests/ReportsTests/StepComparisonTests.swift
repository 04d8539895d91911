import Foundation
import Lineage
import Testing
@testable import Reports

@Suite struct StepComparisonTests {
    /// Two bases, three seeds, the held-out loss measured at steps 80 and 160: A is the best at the end; B's
    /// paired gap is 0.30, 0.20, 0.25 at step 80 and 0.02, −0.01, 0.05 at step 160.
    static func results(bStepsAt80: Bool = true) -> ExperimentResults {
        let a: [[Double]] = [[2.0, 1.5], [2.1, 1.6], [1.9, 1.4]]
        let gaps: [[Double]] = [[0.30, 0.02], [0.20, -0.01], [0.25, 0.05]]
        var cells: [CellResult] = []
        for (base, isB) in [("a", false), ("b", true)] {
            for seed in 0..<3 {
                let values = (0..<2).map { a[seed][$0] + (isB ? gaps[seed][$0] : 0) }
                let steps = isB && !bStepsAt80 ? [160] : [80, 160]
                let kept = isB && !bStepsAt80 ? [values[1]] : values
                let id = "\(base)\(seed)"
                cells.append(CellResult(cell: id, status: .done, axisValues: ["base": base, "seed": "\(seed)"], run: RunRecord(cell: id),
                                        metrics: ["eval_loss": values[1]], series: ["eval_loss": MetricSeries(name: "eval_loss", steps: steps, values: kept)],
                                        inputs: [], config: "{}"))
            }
        }
        return ExperimentResults(subject: ReportSubject(name: "x", axes: ["base", "seed"]), axes: ["base", "seed"], cells: cells, tournaments: [])
    }

    @Test func gapsAreTestedAtEveryMeasuredStep() throws {
        let results = Self.results()
        let top = TopTable(results, metric: "eval_loss", count: 5)
        let steps = try #require(StepComparison(results, top: top, metric: "eval_loss", count: 5))
        #expect(steps.steps == [80, 160])
        #expect(steps.table.rows.map { [$0[0], $0[1]] } == [["base=b", "80"], ["base=b", "160"]])
        // Student-t 95% half-width with 2 degrees of freedom: t = 4.3027 times the standard error.
        let half80 = 4.302652729911275 * 0.05 / 3.0.squareRoot()
        #expect(steps.table.rows[0][2] == "+0.25 ± \(NumberFormat.short(half80))")
        let sd160 = ([0.02, -0.01, 0.05].map { ($0 - 0.02) * ($0 - 0.02) }.reduce(0, +) / 2).squareRoot()
        #expect(steps.table.rows[1][2] == "+0.02 ± \(NumberFormat.short(4.302652729911275 * sd160 / 3.0.squareRoot()))")
        #expect(steps.table.rows[0][3] == "0: +0.3, 1: +0.2, 2: +0.25")
        // One family of two tests: Holm doubles the smaller p and keeps the larger one (at most 1) above it.
        let p = steps.tests.map { $0.test.pValue! }
        #expect(p[0] < 0.05 && p[1] > 0.05)
        #expect(abs(steps.tests[0].adjustedP! - 2 * p[0]) < 1e-12 && abs(steps.tests[1].adjustedP! - p[1]) < 1e-12)
        #expect(steps.table.rows[0][6] == (2 * p[0] < 0.05 ? "**yes**" : "suggestive") && steps.table.rows[1][6] == "no")
        // The chart's data: per configuration a block of means and a block of seeds, at the step positions.
        let data = try #require(steps.chart(results: results).chart.dataFiles.first?.contents)
        let means = data.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t") }.filter { $0.count == 6 && $0[0] != "step" }
        #expect(means.count == 2 && means[0][0] == "80" && means[1][0] == "160")
        #expect(abs(Double(means[0][1])! - 0.25) < 1e-12 && abs(Double(means[1][1])! - 0.02) < 1e-12)
        #expect(steps.chart(results: results).chart.body.contains("set xtics (\"80\" 80, \"160\" 160)"))
    }

    @Test func aSingleCommonStepMakesNoTableAndTheDocumentPlacesIt() throws {
        let sparse = Self.results(bStepsAt80: false)
        #expect(StepComparison(sparse, top: TopTable(sparse, metric: "eval_loss", count: 5), metric: "eval_loss", count: 5) == nil)
        let document = try ReportDocument(results: Self.results(), options: ReportOptions(), command: "qlab report x")
        #expect(document.markdown.contains("#### eval_loss along training"))
        #expect(document.figures.contains { $0.chart.name == "paired-by-step-eval-loss" })
        let sparseDocument = try ReportDocument(results: sparse, options: ReportOptions(), command: "qlab report x")
        #expect(!sparseDocument.markdown.contains("along training"))
    }
}
