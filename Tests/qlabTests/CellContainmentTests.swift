import ExperimentSpec
import Foundation
import Lineage
@testable import Runner
import enum Tensors.BLAS
import Testing

/// A manifest, a run.json or an artifact list may come from another machine: none of their names may lead a
/// worker or an ingest outside the runs folder, and no link inside a cell folder may carry a write or a removal
/// elsewhere. Every case runs in a scratch folder.
@Suite(.serialized)
struct CellContainmentTests {
    /// A one-step grid of one cell on the tiny reference model.
    static func grid(_ root: String) throws -> (GridRunner, CellManifest.Entry) {
        let data = root + "/pairs.jsonl"
        try GridRunnerTests.dataset(data, salt: 5)
        let experiment = Experiment("tiny-contained") {
            Model.path(CLI.fixture("qlora-reference/tiny-llama/base"), parameters: 435_000)
            QLoRA.paperDefaults.scaled(steps: 1, batchSize: 2, sourceLength: 12, targetLength: 6)
            Fix(\.gradientCheckpointing, false)
            Fix(\.data.datasets, [data])
        }
        let runner = try GridRunner(experiment: experiment, runsRoot: root + "/runs")
        return (runner, try #require(try runner.plan().first).entry)
    }

    /// Files that must survive: a folder with a checkpoint and an optimizer state of its own.
    static func bystander(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/checkpoints/step-000000", withIntermediateDirectories: true)
        try "mine".write(toFile: path + "/checkpoints/step-000000/keep", atomically: false, encoding: .utf8)
        try "mine".write(toFile: path + "/optimizer-v.f32", atomically: false, encoding: .utf8)
        try "mine".write(toFile: path + "/optimizer-m.f32", atomically: false, encoding: .utf8)
    }

    static func intact(_ path: String) -> Bool {
        ["/checkpoints/step-000000/keep", "/optimizer-v.f32", "/optimizer-m.f32"].allSatisfy {
            (try? String(contentsOfFile: path + $0, encoding: .utf8)) == "mine"
        }
    }

    @Test func aManifestDirectoryOutsideTheRunsFolderIsRefused() throws {
        let root = TrainCommandTests.temporary()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var (_, entry) = try Self.grid(root)
        try Self.bystander(root + "/elsewhere")
        entry.directory = "../elsewhere"
        try CellManifest(runsRoot: root + "/runs", entries: [entry]).write(to: root + "/manifest.json")
        let r = try CLI.run(["cell", "run", "--manifest", root + "/manifest.json", "--index", "0"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("not a folder inside the runs folder"), "\(r.stderr)")
        #expect(Self.intact(root + "/elsewhere"))
        // The fuzz pass found this one: an empty runs root put the cell at the file system's root in one reading
        // (runsRoot + "/" + directory) and in the working directory in another.
        for badRoot in ["", "runs", root + "/runs/../elsewhere", root + "/no-such-folder"] {
            var m = CellManifest(runsRoot: badRoot, entries: [entry])
            m.entries[0].directory = "tiny-contained/" + entry.cell
            #expect(m.rootProblem != nil, "\(badRoot)")
        }
        #expect(CellManifest(runsRoot: root + "/runs", entries: [entry]).rootProblem == nil)
        for bad in ["/abs/cell", "a/../../b", "", "x/./y"] {
            entry.directory = bad
            #expect(entry.placementProblem != nil, "\(bad)")
        }
        entry.directory = "tiny-contained/" + entry.cell
        entry.experiment = "../../x"
        #expect(entry.placementProblem != nil)
    }

    @Test func linksInsideACellFolderAreNotFollowed() throws {
        let root = TrainCommandTests.temporary()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (runner, entry) = try Self.grid(root)
        let outside = root + "/outside"
        try Self.bystander(outside)
        let cellPath = runner.runsRoot + "/" + entry.directory
        let fm = FileManager.default
        try fm.createDirectory(atPath: cellPath, withIntermediateDirectories: true)
        // A linked optimizer state, then a linked checkpoints folder.
        for name in ["optimizer-m.f32", "checkpoints"] {
            try fm.createSymbolicLink(atPath: cellPath + "/" + name, withDestinationPath: outside + "/" + name)
            let worker = CellWorker(entry: entry, runsRoot: runner.runsRoot, threads: BLAS.threads)
            #expect(throws: LineageError.self) { try worker.run(say: { _ in }) }
            #expect(Self.intact(outside), "\(name)")
            try fm.removeItem(atPath: cellPath + "/" + name)
        }
        // Through a coordinator: a linked cell.log would receive the worker's output, opened by the coordinator.
        try "mine".write(toFile: outside + "/log", atomically: false, encoding: .utf8)
        try fm.createSymbolicLink(atPath: cellPath + "/cell.log", withDestinationPath: outside + "/log")
        let outcome = try runner.run([PlannedCell(entry: entry, status: .pending)], jobs: 1, cores: 1, force: false,
                                     executable: CLI.executable.path, say: { _ in })
        #expect(outcome.failed.count == 1 && outcome.succeeded.isEmpty)
        #expect(try String(contentsOfFile: outside + "/log", encoding: .utf8) == "mine")
        try fm.removeItem(atPath: cellPath + "/cell.log")
        // A linked experiment folder between the runs root and the cell.
        try fm.removeItem(atPath: runner.runsRoot + "/tiny-contained")
        try fm.createSymbolicLink(atPath: runner.runsRoot + "/tiny-contained", withDestinationPath: outside)
        #expect(throws: LineageError.self) {
            try CellWorker(entry: entry, runsRoot: runner.runsRoot, threads: BLAS.threads).run(say: { _ in })
        }
        #expect(!fm.fileExists(atPath: outside + "/" + entry.cell))
        #expect(Self.intact(outside))
    }

    @Test func ingestRefusesPathsAndNamesThatLeaveTheCellFolder() throws {
        let root = TrainCommandTests.temporary()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (runner, entry) = try Self.grid(root)
        try CellWorker(entry: entry, runsRoot: runner.runsRoot, threads: BLAS.threads).run(say: { _ in })
        let cell = URL(fileURLWithPath: runner.runsRoot + "/" + entry.directory)
        let store = try LineageStore(path: root + "/other.sqlite")
        try store.ingest(directory: cell)   // as written: accepted

        let artifacts = cell.appendingPathComponent("artifacts.json")
        let original = try Data(contentsOf: artifacts)
        try #"[{"path": "../../../../../../../../etc/passwd", "kind": "adapter", "sha256": "00", "bytes": 1}]"#
            .write(to: artifacts, atomically: true, encoding: .utf8)
        #expect { try store.ingest(directory: cell) } throws: { "\($0)".contains("leads outside the cell directory") }
        try #"[{"path": "/etc/passwd", "kind": "adapter", "sha256": "00", "bytes": 1}]"#.write(to: artifacts, atomically: true, encoding: .utf8)
        #expect { try store.ingest(directory: cell) } throws: { "\($0)".contains("leads outside the cell directory") }
        try original.write(to: artifacts)

        let runJSON = cell.appendingPathComponent("run.json")
        var run = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: runJSON)) as? [String: Any])
        #expect(run["experiment"] as? String == "tiny-contained")
        run["experiment"] = "../../x"
        try JSONSerialization.data(withJSONObject: run).write(to: runJSON)
        #expect { try store.ingest(directory: cell) } throws: { "\($0)".contains("is not a plain name") }
    }
}
