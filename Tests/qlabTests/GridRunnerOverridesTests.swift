import ExperimentSpec
import Foundation
import Lineage
import Runner
import Testing

extension GridRunnerTests {
    /// An `--axis` override on the tiny grid: its cells run, and the store holds the overridden configurations.
    @Test func anOverrideAxisRunsAsCellsOfItsOwn() throws {
        let f = try Self.fixture()
        let runs = f.root + "/runs"
        let plain = try GridRunner(experiment: f.experiment, runsRoot: runs).plan()
        let overrides = try Overrides(axes: ["optimizer.learningRate=0.001,0.002"])
        let runner = try GridRunner(experiment: f.experiment, runsRoot: runs, overrides: overrides)
        let cells = try runner.plan(only: [("data.datasets", "a"), ("lora.rank", "4")])
        #expect(cells.map { $0.entry.axes.last?.value } == ["0.001", "0.002"])
        #expect(cells.allSatisfy { $0.entry.axes.last?.name == "optimizer.learningRate" })
        // The spec fixes 1e-3 already, so the first cell's configuration equals the plain one: same id, no rerun.
        let plainA4 = try #require(plain.first { $0.entry.axes.map(\.value) == ["a", "4"] })
        #expect(cells[0].entry.cell == plainA4.entry.cell && cells[1].entry.cell != plainA4.entry.cell)
        let outcome = try runner.run(cells, jobs: 2, cores: 2, force: false, executable: CLI.executable.path, say: Self.quiet)
        #expect(outcome.succeeded.count == 2 && outcome.failed.isEmpty)
        for cell in try runner.plan(only: [("data.datasets", "a"), ("lora.rank", "4")]) {
            #expect(cell.status == .done)
            let stored = try #require(try runner.store.cells(experiment: "tiny-grid").first { $0.cell == cell.entry.cell })
            #expect(stored.axisValues.contains("\"optimizer.learningRate\":\"\(cell.entry.axes.last!.value)\""), "\(stored.axisValues)")
            let config = try String(contentsOfFile: runs + "/" + cell.entry.directory + "/config.json", encoding: .utf8)
            #expect(config.contains("\"learningRate\":\(cell.entry.axes.last!.value)"), "\(config)")
        }
    }
}

extension GridRunnerTests {
    /// A cell that ran before the experiment had an axis (its run.json records none) and that the axis now
    /// includes: planning again records the cell under the axis value the experiment now gives it.
    @Test func aCellDoneBeforeItsAxisExistedTakesTheAxisValueOfThePlan() throws {
        let f = try Self.fixture()
        let runs = f.root + "/runs"
        let before = try GridRunner(experiment: f.experiment, runsRoot: runs)
        let plain = try before.plan(only: [("data.datasets", "a"), ("lora.rank", "4")])
        let outcome = try before.run(plain, jobs: 1, cores: 2, force: false, executable: CLI.executable.path, say: Self.quiet)
        #expect(outcome.succeeded.count == plain.count && outcome.failed.isEmpty)
        let runFile = try String(contentsOfFile: runs + "/" + plain[0].entry.directory + "/run.json", encoding: .utf8)
        #expect(!runFile.contains("optimizer.learningRate"), "the run predates the axis")
        let runner = try GridRunner(experiment: f.experiment, runsRoot: runs, overrides: try Overrides(axes: ["optimizer.learningRate=0.001,0.002"]))
        let cells = try runner.plan(only: [("data.datasets", "a"), ("lora.rank", "4")])
        let done = try #require(cells.first { $0.entry.cell == plain[0].entry.cell })
        #expect(done.status == .done)
        let stored = try #require(try runner.store.cells(experiment: "tiny-grid").first { $0.cell == done.entry.cell })
        #expect(stored.axisValues.contains("\"optimizer.learningRate\":\"0.001\""), "\(stored.axisValues)")
        // The order of the cells is the first recording's.
        let firstNow = try runner.store.cells(experiment: "tiny-grid").first?.cell
        let firstDeclared = try before.plan(record: false).first?.entry.cell
        #expect(firstNow == firstDeclared)
    }
}
