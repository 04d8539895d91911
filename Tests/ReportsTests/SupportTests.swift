import Foundation
import Lineage
import Testing
@testable import Reports

/// The counts behind every metric and the Wilson intervals of accuracies, as the report prints them.
@Suite struct SupportTests {
    /// Published values of the Wilson score interval at 95% (e.g. 0 of 10: upper end 0.2775).
    @Test func wilsonIntervalMatchesPublishedValues() {
        for (x, n, low, high) in [(0, 10, 0.0, 0.2775), (10, 10, 0.7225, 1.0), (8, 10, 0.4902, 0.9433), (75, 100, 0.6570, 0.8245)] {
            let w = WilsonInterval(successes: x, trials: n)
            #expect(abs(w.lower - low) < 5e-5 && abs(w.upper - high) < 5e-5, "\(x)/\(n): \(w)")
        }
        let empty = WilsonInterval(successes: 0, trials: 0)
        #expect(empty.lower == 0 && empty.upper == 1, "no questions: nothing is known")
    }

    static func results() -> ExperimentResults {
        func cell(_ id: String, _ lr: String, _ metrics: [String: Double]) -> CellResult {
            CellResult(cell: id, status: .done, axisValues: ["lr": lr], run: RunRecord(cell: id), metrics: metrics, series: [:], inputs: [], config: "{}")
        }
        return ExperimentResults(
            subject: ReportSubject(name: "x", axes: ["lr"], evaluationMetrics: ["perplexity_text_base", "eval_loss", "eval_perplexity", "exact_arithmetic"]),
            axes: ["lr"],
            cells: [
                cell("aaaa", "1", ["eval_loss": 2, "eval_perplexity": 7.39, "eval_tokens": 2004, "eval_examples": 300, "exact_arithmetic": 0.75,
                                   "exact_arithmetic_asked": 100, "perplexity_text_base": 20, "perplexity_text_base_tokens": 8191]),
                cell("bbbb", "2", ["eval_loss": 1, "eval_perplexity": 2.72, "eval_tokens": 2010, "eval_examples": 300, "exact_arithmetic": 0.12,
                                   "exact_arithmetic_asked": 100, "perplexity_text_base": 20, "perplexity_text_base_tokens": 8191]),
            ],
            tournaments: [])
    }

    @Test func reportSaysWhatEveryMetricRestsOn() throws {
        let results = Self.results()
        let md = SupportSection(results).markdown
        #expect(md.contains("- `perplexity_text_base`: 8191 scored tokens per cell (2 cells)"), "\(md)")
        #expect(md.contains("- `eval_loss`: 2004–2010 scored tokens, 300 examples per cell (2 cells)"))
        #expect(md.contains("- `exact_arithmetic`: 100 questions per cell (2 cells)"))
        let t = try #require(table(in: md, after: "per cell (2 cells)\n\n"))
        #expect(t.header == ["cell", "configuration", "metric", "correct", "accuracy", "Wilson 95% interval"])
        #expect(t.rows == [["aaaa", "lr=1", "exact_arithmetic", "75/100", "0.75", "0.657–0.825"],
                           ["bbbb", "lr=2", "exact_arithmetic", "12/100", "0.12", "0.070–0.198"]])
        // The counts are not results: the cell table leaves them to this section.
        let cellTable = CellTable(results)
        #expect(!cellTable.table.header.contains { MetricSupport.isCount($0) })
        #expect(!cellTable.constants.contains { MetricSupport.isCount($0.name) })
        #expect(cellTable.table.header == ["cell", "lr", "eval_loss", "eval_perplexity", "exact_arithmetic"])
    }

    @Test func metricsWithoutRecordedCountsSaySo() {
        let old = ExperimentResults(
            subject: ReportSubject(name: "x", axes: ["lr"]), axes: ["lr"],
            cells: [CellResult(cell: "c", status: .done, axisValues: ["lr": "1"], run: RunRecord(cell: "c"),
                               metrics: ["eval_loss": 1, "exact_arithmetic": 0.5], series: [:], inputs: [], config: "{}")],
            tournaments: [])
        let md = SupportSection(old).markdown
        #expect(md.contains("- `eval_loss`: not recorded"))
        #expect(md.contains("- `eval_loss`: not recorded (1 cell run before the counts were kept)\n"))
        #expect(table(in: md, after: "counts were kept)\n\n")?.rows == [["c", "lr=1", "exact_arithmetic", "–", "0.5", "–"]], "\(md)")
    }
}

/// A benchmark's macro average rests on the micro average's questions and gets no Wilson row of its own.
@Suite struct MacroAverageSupportTests {
    @Test func theMacroAverageCountsTheMicroAveragesQuestions() {
        for base in ["benchmark_poems_zh", "benchmark_poems_zh_base"] {
            #expect(MetricSupport.isAccuracy(base) && !MetricSupport.isAccuracy(base + "_macro"))
            #expect(MetricSupport.counts(for: base + "_macro").map(\.metric) == [base + "_asked"])
            #expect(MetricSupport.counts(for: base).map(\.metric) == [base + "_asked"])
        }
        #expect(MetricSupport.counts(for: "exact_arithmetic_macro").map(\.metric) == ["exact_arithmetic_macro_asked"])
    }
}
