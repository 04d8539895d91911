import Foundation
import Testing
@testable import Lineage

/// `removeResults`: a cell's runs and everything that points at them go in one transaction; a cell another
/// experiment's grid shares keeps the results that live in that experiment's folders.
@Suite struct RemovalTests {
    @Test func aSharedCellLosesOnlyTheRunsInTheRemovedExperimentsFolder() throws {
        try withTemporaryDirectory { directory in
            let store = try LineageStore(path: directory.appendingPathComponent("runs/lineage.sqlite").path)
            let cells = try recordGrid(store, name: "a", cells: 2)
            // Experiment b's grid holds cell-1 too (the same configuration).
            try store.recordExperiment(ExperimentRecord(name: "b", description: "", specHash: nil),
                                       cells: [CellDefinition(id: "cell-1", config: config(2e-4, seed: 1), axisValues: "{}")])
            let ownRun = try store.startRun(RunRecord(id: "r0", cell: cells[0], logPath: "runs/a/cell-0/cell.log"))
            let sharedHere = try store.startRun(RunRecord(id: "r1", cell: cells[1], logPath: "runs/a/cell-1/cell.log"))
            let sharedThere = try store.startRun(RunRecord(id: "r2", cell: cells[1], logPath: "runs/b/cell-1/cell.log"))
            for run in [ownRun, sharedHere, sharedThere] {
                try store.recordFinalMetrics(run: run, ["eval_loss": 2])
                try store.recordInputs([InputRecord(run: run, role: .dataset, path: "d", sha256: String(repeating: "d", count: 64))])
            }
            try store.recordJudgments([
                JudgmentRecord(tournament: "a", prompt: "p", cellA: cells[0], runA: ownRun, cellB: cells[1], runB: sharedThere,
                               presentationOrder: .ab, winner: .a, judge: "reference", rawOutput: "A"),
                JudgmentRecord(tournament: "b", prompt: "p", cellA: cells[1], runA: sharedThere, cellB: cells[1], runB: sharedThere,
                               presentationOrder: .ab, winner: .tie, judge: "reference", rawOutput: "tie"),
            ])
            try store.recordRatings([RatingRecord(tournament: "a", cell: cells[0], method: "elo", rating: 1010, lower: nil, upper: nil),
                                     RatingRecord(tournament: "b", cell: cells[1], method: "elo", rating: 990, lower: nil, upper: nil)])

            let counted = try store.resultsToRemove(experiment: "a", cells: cells)
            #expect(try store.runs(experiment: "a").count == 3, "counting removes nothing")
            let removed = try store.removeResults(experiment: "a", cells: cells)
            #expect(removed == counted)
            #expect(removed.runs == 2 && removed.metrics == 2 && removed.inputs == 2 && removed.judgments == 1 && removed.ratings == 1 && removed.cells == 2)
            #expect(try store.run(id: ownRun) == nil && store.run(id: sharedHere) == nil)
            #expect(try store.run(id: sharedThere) != nil && store.finalMetrics(run: sharedThere) == ["eval_loss": 2])
            #expect(try store.cell(id: cells[0]) == nil && store.cell(id: cells[1]) != nil)
            #expect(try store.experiment(named: "a") == nil)
            #expect(try store.cells(experiment: "b").map(\.cell) == ["cell-1"])
            #expect(try store.judgments(tournament: "b").count == 1 && store.ratings(tournament: "b").count == 1)
            #expect(try store.judgments(tournament: "a").isEmpty)
        }
    }
}
