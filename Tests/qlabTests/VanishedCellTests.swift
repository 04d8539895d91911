import Foundation
import Lineage
import Runner
import Testing

/// A finished cell whose folder was removed by hand is not done: the plan says `missing` and a run makes it again.
@Suite(.serialized)
struct VanishedCellTests {
    @Test func aRunRunsACellWhoseFolderVanishedAgain() throws {
        let f = try GridRunnerTests.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.root) }
        let runner = try GridRunner(experiment: GridRunnerTests.experiment(dataA: f.dataA, dataB: f.dataB, steps: 4), runsRoot: f.root + "/runs")
        let one: [(axis: String, value: String)] = [("lora.rank", "4"), ("data.datasets", "a")]
        let cells = try runner.plan(only: one)
        #expect(cells.count == 1)
        let first = try runner.run(cells, jobs: 1, cores: 2, force: false, executable: CLI.executable.path, say: GridRunnerTests.quiet)
        #expect(first.succeeded.count == 1)
        #expect(try runner.plan(only: one).map(\.status) == [.done])

        try FileManager.default.removeItem(atPath: runner.runsRoot + "/" + cells[0].entry.directory)
        let planned = try runner.plan(only: one)
        #expect(planned.map(\.status) == [.missing])
        let again = try runner.run(planned, jobs: 1, cores: 2, force: false, executable: CLI.executable.path, say: GridRunnerTests.quiet)
        #expect(again.succeeded == [cells[0].entry.cell] && again.skipped.isEmpty)
        #expect(FileManager.default.fileExists(atPath: runner.runsRoot + "/" + cells[0].entry.directory + "/run.json"))
        #expect(try runner.plan(only: one).map(\.status) == [.done])
    }
}
