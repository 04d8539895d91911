import ExperimentSpec
import Foundation
import Lineage
@testable import Runner
import Testing

/// A store deleted or replaced while a grid runs: the coordinator stops with an error naming what happened,
/// writes nothing more into it, and the cell folders keep every result for `qlab ingest`.
@Suite(.serialized)
struct StoreReplacedTests {
    @Test func aStoreDeletedMidRunStopsTheGridAndTheCellsCanBeIngested() throws {
        let f = try GridRunnerTests.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.root) }
        let runsRoot = f.root + "/runs"
        let runner = try GridRunner(experiment: GridRunnerTests.experiment(dataA: f.dataA, dataB: f.dataB, steps: 400), runsRoot: runsRoot)
        let cells = try runner.plan(only: [("lora.rank", "4"), ("data.datasets", "a")])
        let steps = runsRoot + "/" + cells[0].entry.directory + "/steps.jsonl"
        let store = runsRoot + "/lineage.sqlite"
        // Once the worker has logged a few steps, the store goes (as `rm runs/lineage.sqlite*` would do it).
        let remover = Thread {
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline, ((try? String(contentsOfFile: steps, encoding: .utf8)) ?? "").split(separator: "\n").count < 6 {
                usleep(10_000)
            }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
        }
        remover.start()
        var said: [String] = []
        #expect {
            _ = try runner.run(cells, jobs: 1, cores: 2, force: false, executable: CLI.executable.path) { said.append($0) }
        } throws: { error in
            guard case let LineageError.storeReplaced(path, problem) = error else { return false }
            return path == store && problem == "deleted"
        }
        #expect(said.contains { $0.contains("was deleted: stopping 1 worker(s)") }, "\(said)")
        #expect(!FileManager.default.fileExists(atPath: store), "nothing may recreate the deleted store")
        // The cell stopped at a checkpoint, resumable; a new store is rebuilt from its folder.
        let dir = URL(fileURLWithPath: runsRoot + "/" + cells[0].entry.directory)
        let run = try CellDirectory(url: dir).readRun()
        #expect(run.status == .interrupted, "\(run.status)")
        let rebuilt = try LineageStore(path: f.root + "/rebuilt.sqlite")
        let summary = try rebuilt.ingest(directory: dir)
        #expect(summary.steps >= 6)
    }

    @Test func aReplacedStoreIsRefusedForEveryOperation() throws {
        let root = TrainCommandTests.temporary()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try LineageStore(path: root + "/lineage.sqlite")
        #expect(try store.experiments().isEmpty)
        _ = try LineageStore(path: root + "/other.sqlite")
        try FileManager.default.removeItem(atPath: root + "/lineage.sqlite")
        try FileManager.default.moveItem(atPath: root + "/other.sqlite", toPath: root + "/lineage.sqlite")
        #expect(store.replacementProblem() == "replaced by another file")
        #expect(throws: LineageError.self) { try store.experiments() }
        #expect(throws: LineageError.self) {
            try store.recordExperiment(ExperimentRecord(name: "x", description: "", specHash: nil), cells: [])
        }
    }
}
