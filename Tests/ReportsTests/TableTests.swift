import Foundation
import Lineage
import Testing
@testable import Reports

@Suite struct TableTests {
    @Test func everyCellRowCarriesTheStoresNumbersAndTheBestIsBold() throws {
        let fixture = try TestStore()
        defer { fixture.cleanUp() }
        let document = try ReportDocument(results: try fixture.results(), options: ReportOptions(), command: "qlab report grid")
        let t = try #require(table(in: document.markdown, after: "### All cells"))
        // steps is 5 everywhere: left out of the table (and named under it); status is done everywhere.
        #expect(t.header == ["cell", "optimizer.learningRate", "lora.rank", "seed", "eval_loss", "exact_arithmetic", "tokens_per_second", "peak_rss_mib"])
        #expect(document.markdown.contains("Same in every cell: status = done, steps = 5."))
        #expect(t.rows.count == 12)
        for row in t.rows {
            let run = try #require(try fixture.store.runs(cell: row[0]).last)
            let metrics = try fixture.store.finalMetrics(run: run.id)
            let li = TestStore.learningRates.firstIndex(of: row[1])!, ri = TestStore.ranks.firstIndex(of: row[2])!, si = Int(row[3])!
            #expect(fixture.cells["\(row[1])/\(row[2])/\(row[3])"] == row[0])
            for (column, name) in [(4, "eval_loss"), (5, "exact_arithmetic"), (6, "tokens_per_second"), (7, "peak_rss_mib")] {
                let text = row[column].replacingOccurrences(of: "**", with: "")
                #expect(Double(text) == metrics[name], "\(name) of \(row[0])")
            }
            // Best: the lowest loss (lr 0.001, rank 16, seed 0), the highest accuracy (0.75, three cells), the fastest, the smallest.
            #expect(row[4].hasPrefix("**") == (li == 1 && ri == 1 && si == 0))
            #expect(row[5].hasPrefix("**") == (li == 1 && ri == 1))
            #expect(row[6].hasPrefix("**") == (li == 1 && ri == 1))
            #expect(row[7].hasPrefix("**") == (ri == 0))
            #expect(Double(row[4].replacingOccurrences(of: "**", with: "")) == TestStore.evalLoss(lr: li, rank: ri, seed: si))
        }
    }

    @Test func onlyColumnsThatDifferAreKept() {
        func cell(_ id: String, _ lr: String, _ metrics: [String: Double]) -> CellResult {
            CellResult(cell: id, status: .done, axisValues: ["lr": lr, "seed": "0"], run: RunRecord(cell: id),
                       metrics: metrics, series: [:], inputs: [], config: "{}")
        }
        let results = ExperimentResults(
            subject: ReportSubject(name: "x", axes: ["lr", "seed"]), axes: ["lr", "seed"],
            cells: [cell("a", "1", ["eval_loss": 2, "steps": 10, "mystery": 3]), cell("b", "2", ["eval_loss": 1, "steps": 10, "mystery": 4]),
                    cell("c", "3", ["eval_loss": 1, "steps": 10])],
            tournaments: [])
        let t = CellTable(results)
        #expect(t.table.header == ["cell", "lr", "eval_loss", "mystery"])
        #expect(t.constants.map(\.name) == ["status", "seed", "steps"])
        #expect(t.constants.map(\.value) == ["done", "0", "10"])
        // Ties for the best are all marked; a metric of unknown direction is never marked; a missing value is a dash.
        #expect(t.table.rows.map { $0[2] } == ["2", "**1**", "**1**"])
        #expect(t.table.rows.map { $0[3] } == ["3", "4", "–"])
    }

    @Test func topTableRanksConfigurationsWithIntervalsAndPairedTests() throws {
        let fixture = try TestStore()
        defer { fixture.cleanUp() }
        let results = try fixture.results()
        let document = try ReportDocument(results: results, options: ReportOptions(), command: "qlab report grid")
        let t = try #require(table(in: document.markdown, after: "### Top configurations by eval_loss"))
        #expect(t.header == ["rank", "optimizer.learningRate", "lora.rank", "eval_loss (mean ± 95% CI)", "seeds", "Δ vs best", "p (paired t)", "p (Holm)", "differs from best"])
        #expect(t.rows.map { [$0[1], $0[2]] } == [["0.001", "16"], ["0.001", "8"], ["0.0002", "16"], ["0.0002", "8"]])
        let half = 4.302652729911275 * 0.125 / 3.0.squareRoot()
        for row in t.rows {
            let li = TestStore.learningRates.firstIndex(of: row[1])!, ri = TestStore.ranks.firstIndex(of: row[2])!
            let mean = (0..<3).map { TestStore.evalLoss(lr: li, rank: ri, seed: $0) }.reduce(0, +) / 3
            #expect(row[3] == "\(NumberFormat.short(mean)) ± \(NumberFormat.short(half))")
            #expect(row[4] == "3")
        }
        #expect(t.rows[0][8] == "best")
        // The seed noise is the same in every configuration, so every paired difference is exact: p = 0, significant.
        #expect(t.rows[1][5] == "+0.25" && t.rows[1][6] == "< 0.001" && t.rows[1][7] == "< 0.001" && t.rows[1][8] == "**yes**")
        #expect(t.rows[3][5] == "+0.75")
        #expect(document.markdown.contains("two-sided paired t-test") && document.markdown.contains("The 3 tests of this table are one family"))
        // The paired differences are drawn right after the table: each of the 3 others on each of 3 seeds.
        let figure = try #require(document.figures.first { $0.chart.name == "paired-eval-loss" })
        let data = try #require(figure.chart.dataFiles.first?.contents)
        let blocks = data.components(separatedBy: "\n\n\n")
        #expect(blocks.count == 2)
        let seedRows = blocks[1].split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("x\t") }
        #expect(seedRows.count == 9)
        #expect(seedRows.filter { $0.hasPrefix("0\t") }.allSatisfy { $0.split(separator: "\t")[1] == "0.25" }, "\(seedRows)")
        let chartAt = try #require(document.markdown.range(of: "charts/paired-eval-loss.svg"))
        let lossAt = try #require(document.markdown.range(of: "### Training loss"))
        #expect(chartAt.lowerBound < lossAt.lowerBound)
    }

    /// Holm's adjustment against values worked by hand: sorted p × (m − i + 1), never below the one before, at most 1.
    @Test func holmAdjustsAFamilyOfPValues() {
        let adjusted = PairedTest.holm([0.01, 0.04, 0.03, 0.005])
        let expected = [0.03, 0.06, 0.06, 0.02]
        for (a, e) in zip(adjusted, expected) { #expect(abs(a! - e) < 1e-15, "\(adjusted)") }
        // A test not made is outside the family: two tests, not three.
        let withGap = PairedTest.holm([0.2, nil, 0.01])
        #expect(withGap[1] == nil && abs(withGap[0]! - 0.2) < 1e-15 && abs(withGap[2]! - 0.02) < 1e-15)
        #expect(PairedTest.holm([0.9, 0.8]) == [1, 1])
        #expect(PairedTest.holm([]).isEmpty)
        // What each outcome is called.
        #expect(TopTable.verdict(p: 0.01, adjustedP: 0.03) == "significant")
        #expect(TopTable.verdict(p: 0.03, adjustedP: 0.09) == "suggestive")
        #expect(TopTable.verdict(p: 0.2, adjustedP: 0.4) == "no")
        #expect(TopTable.verdict(p: nil, adjustedP: nil) == "untested")
    }

    @Test func proseAndLineageInNotebookOrder() throws {
        let fixture = try TestStore()
        defer { fixture.cleanUp() }
        var results = try fixture.results()
        results.subject.prose.question = "Q?"
        results.subject.prose.hypothesis = "H."
        results.subject.prose.notes = "N."
        results.subject.prose.conclusion = "C."
        let md = try ReportDocument(results: results, options: ReportOptions(runsFolder: "elsewhere"), command: "qlab report grid").markdown
        let order = ["## Question\n\nQ?", "## Hypothesis\n\nH.", "## Notes\n\nN.", "## Results", "## Conclusion\n\nC.", "## Lineage"]
        let positions = order.map { md.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(zip(positions, positions.dropFirst()).allSatisfy { $0! < $1! })
        let runs = try #require(table(in: md, after: "## Lineage\n\nCode"))
        #expect(runs.header == ["role", "path", "sha256", "cells"])
        #expect(runs.rows.contains(["base-model", "`/models/m.gguf`", "`" + String(repeating: "a", count: 64) + "`", "12"]))
        for id in fixture.cells.values { #expect(md.contains("`qlab rerun \(id) --runs elsewhere`")) }
        #expect(md.contains("`0123456789ab (clean)` (12 runs)"))
    }
}

@Suite struct TimeTableTests {
    @Test func secondsPerPartGetTheirOwnTableNotCellColumns() {
        func cell(_ id: String, _ lr: String, _ metrics: [String: Double]) -> CellResult {
            CellResult(cell: id, status: .done, axisValues: ["lr": lr], run: RunRecord(cell: id),
                       metrics: metrics, series: [:], inputs: [], config: "{}")
        }
        let results = ExperimentResults(
            subject: ReportSubject(name: "x", axes: ["lr"]), axes: ["lr"],
            cells: [cell("aaaa", "1", ["eval_loss": 2, "seconds_train": 61.2, "seconds_eval_loss": 3.3, "seconds_exact_arithmetic": 12.4,
                                       "seconds_tournament_answers": 20]),
                    cell("bbbb", "2", ["eval_loss": 1, "seconds_train": 70.4, "seconds_eval_loss": 4.5, "seconds_exact_arithmetic": 11,
                                       "seconds_tournament_answers": 19])],
            tournaments: [])
        #expect(!CellTable(results).table.header.contains { $0.hasPrefix("seconds") })
        let table = try! #require(TimeTable(results))
        let lines = table.markdown.split(separator: "\n").map(String.init)
        #expect(lines[0].contains("| train | eval loss | exact arithmetic | tournament answers | total |"))
        // Values as recorded, and the total their sum (61.2 + 3.3 + 12.4 + 20 = 96.9).
        #expect(lines[2].contains("| 61 | 3.3 | 12 | 20 | 97 |"))
        #expect(lines[3].contains("| 70 | 4.5 | 11 | 19 | 105 |"))
        let none = ExperimentResults(subject: ReportSubject(name: "x", axes: ["lr"]), axes: ["lr"],
                                     cells: [cell("c", "1", ["eval_loss": 1])], tournaments: [])
        #expect(TimeTable(none) == nil)
    }
}
