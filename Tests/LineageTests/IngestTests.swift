import Foundation
import Support
import Testing
@testable import Lineage

@Suite struct IngestTests {
    let started = Date(timeIntervalSince1970: 1_800_000_000.125)

    /// A finished cell directory as the runner writes it; returns the directory.
    func writeCell(in root: URL, runID: String = "run-1", status: RunStatus = .succeeded, parent: String? = nil) throws -> CellDirectory {
        let cell = CellDirectory(runsRoot: root.appendingPathComponent("runs"), experiment: "smoke", cell: "c0ffee")
        try cell.create()
        try cell.writeConfig(config(2e-4, seed: 1) + "\n")
        try cell.writeRun(RunFile(
            id: runID, experiment: "smoke", cell: "c0ffee", axisValues: ["seed": .integer(1), "lr": .number(2e-4)],
            status: status, started: started, ended: started.addingTimeInterval(90), exitReason: nil,
            gitCommit: "0123abcd", gitDirty: false, hostname: "node-7", pid: 4242, blasCore: "Haswell", threads: 1,
            seed: 1, parentRun: parent, executor: "slurm", log: "log.txt",
            inputs: [InputEntry(role: .baseModel, path: "/models/smollm2", sha256: String(repeating: "A", count: 64))]))
        try cell.appendSteps((1...3).map { StepLine(step: $0, loss: 2.0 / Double($0), gradNorm: 0.25, lr: 2e-4, tokens: 64, seconds: 0.5) })
        try cell.appendSteps([StepLine(step: 4, loss: 0.4, gradNorm: 0.25, lr: 2e-4, tokens: 64, seconds: 0.5, extra: ["eval_loss": 0.75])])
        try cell.writeMetrics(FinalMetricsFile(metrics: ["eval_loss": 0.7, "perplexity": .infinity]))
        try FileManager.default.createDirectory(at: cell.file("adapter"), withIntermediateDirectories: true)
        try Data(repeating: 1, count: 300).write(to: cell.file("adapter/adapter_model.safetensors"))
        try cell.writeArtifacts([
            ArtifactEntry(path: "adapter/adapter_model.safetensors", kind: .adapter, sha256: String(repeating: "d", count: 64)),
            ArtifactEntry(path: "log.txt", kind: .log, sha256: String(repeating: "e", count: 64), bytes: 10),
        ])
        return cell
    }

    @Test func filesRoundTripThroughTheirCodableFormats() throws {
        try withTemporaryDirectory { root in
            let cell = try writeCell(in: root)
            let run = try cell.readRun()
            #expect(run.started == started)
            #expect(run.axisValues == ["seed": .integer(1), "lr": .number(2e-4)])
            #expect(try cell.readSteps().steps.last?.extra == ["eval_loss": 0.75])
            #expect(try cell.readMetrics()?.metrics["perplexity"] == .infinity)
            let line = try String(contentsOf: cell.file(CellDirectory.stepsFile), encoding: .utf8).split(separator: "\n").first
            #expect(line == #"{"grad_norm":0.25,"loss":2,"lr":0.0002,"seconds":0.5,"step":1,"tokens":64}"#)
        }
    }

    @Test func ingestBuildsTheRowsAndIngestingAgainChangesNothing() throws {
        try withTemporaryDirectory { root in
            let cell = try writeCell(in: root)
            let store = try LineageStore(path: root.appendingPathComponent("runs/lineage.sqlite").path)
            let summary = try store.ingest(directory: cell.url)
            #expect(summary == IngestSummary(run: "run-1", cell: "c0ffee", experiment: "smoke", steps: 4, finalMetrics: 2, artifacts: 2, inputs: 1, stepLogCutOff: false))
            let first = try dump(store)
            try store.ingest(directory: cell.url)
            #expect(try dump(store) == first)

            let run = try #require(try store.run(id: "run-1"))
            #expect(run.executor == "slurm")
            #expect(run.hostname == "node-7")
            // Kept relative to the project root (the runs folder's parent), found again through it.
            #expect(run.logPath == store.paths.relative(cell.file("log.txt").path) && run.logPath == "runs/smoke/c0ffee/log.txt")
            #expect(store.paths.absolute(run.logPath!) == cell.file("log.txt").path)
            #expect(try store.cell(id: "c0ffee")?.config == config(2e-4, seed: 1))
            #expect(try store.cells(experiment: "smoke").first?.axisValues == #"{"lr":0.0002,"seed":1}"#)
            #expect(try store.cellStatus(id: "c0ffee") == .done)
            #expect(try store.finalMetrics(run: "run-1") == ["eval_loss": 0.7, "perplexity": .infinity])
            #expect(try store.metricSeries(run: "run-1").first { $0.name == "eval_loss" }?.steps == [4])
            let adapter = try #require(try store.artifacts(run: "run-1").first { $0.kind == .adapter })
            #expect(adapter.bytes == 300)
            #expect(adapter.path == store.paths.relative(cell.file("adapter/adapter_model.safetensors").path))
            #expect(!adapter.path.hasPrefix("/"))
            #expect(try store.lineage(of: cell.file("adapter/adapter_model.safetensors").path).first?.run.id == "run-1", "an absolute path finds it")
            #expect(try store.inputs(run: "run-1").first?.sha256 == String(repeating: "a", count: 64))
            #expect(try store.lineage(of: String(repeating: "d", count: 16)).first?.run.id == "run-1")

            // The files are the truth: a changed file replaces what the store had, and nothing is left over.
            try cell.writeMetrics(FinalMetricsFile(metrics: ["eval_loss": 0.6]))
            try cell.writeArtifacts([ArtifactEntry(path: "log.txt", kind: .log, sha256: String(repeating: "e", count: 64), bytes: 10)])
            try store.ingest(directory: cell.url)
            #expect(try store.finalMetrics(run: "run-1") == ["eval_loss": 0.6])
            #expect(try store.artifacts(run: "run-1").map(\.kind) == [.log])
        }
    }

    @Test func rebuildingFromFilesGivesTheSameStore() throws {
        try withTemporaryDirectory { root in
            let cell = try writeCell(in: root)
            let one = try LineageStore(path: root.appendingPathComponent("one.sqlite").path)
            let two = try LineageStore(path: root.appendingPathComponent("two.sqlite").path)
            try one.ingest(directory: cell.url)
            #expect(try two.ingest(experimentDirectory: root.appendingPathComponent("runs/smoke")).count == 1)
            #expect(try dump(one) == dump(two))
        }
    }

    @Test func aCutOffLastStepLineIsSkippedAndRepairedByTheNextAppend() throws {
        try withTemporaryDirectory { root in
            let cell = try writeCell(in: root, status: .running)
            let handle = try FileHandle(forWritingTo: cell.file(CellDirectory.stepsFile))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(#"{"grad_norm":0.25,"loss":0.3,"lr":0.0002,"sec"#.utf8))
            try handle.close()

            let (steps, cutOff) = try cell.readSteps()
            #expect(steps.map(\.step) == [1, 2, 3, 4])
            #expect(cutOff)
            let store = try LineageStore(path: root.appendingPathComponent("lineage.sqlite").path)
            let summary = try store.ingest(directory: cell.url)
            #expect(summary.steps == 4)
            #expect(summary.stepLogCutOff)
            #expect(try store.metricSeries(run: "run-1").first { $0.name == "loss" }?.steps == [1, 2, 3, 4])
            #expect(try store.cellStatus(id: "c0ffee") == .running)

            try cell.appendSteps([StepLine(step: 5, loss: 0.3, gradNorm: 0.25, lr: 2e-4, tokens: 64, seconds: 0.5)])
            let repaired = try cell.readSteps()
            #expect(repaired.steps.map(\.step) == [1, 2, 3, 4, 5])
            #expect(!repaired.cutOff)

            // Resuming from step 3's checkpoint: the later lines go, and the resumed run logs them again.
            try cell.truncateSteps(after: 3)
            try cell.appendSteps([StepLine(step: 4, loss: 0.4, gradNorm: 0.25, lr: 2e-4, tokens: 64, seconds: 0.5)])
            #expect(try cell.readSteps().steps.map(\.step) == [1, 2, 3, 4])
        }
    }

    @Test func brokenFilesAreReportedWithTheirPathAndLine() throws {
        try withTemporaryDirectory { root in
            let cell = try writeCell(in: root)
            let store = try LineageStore(path: root.appendingPathComponent("lineage.sqlite").path)
            var text = try String(contentsOf: cell.file(CellDirectory.stepsFile), encoding: .utf8)
            text = text.replacingOccurrences(of: #""step":2"#, with: #""step":"two""#)
            try text.write(to: cell.file(CellDirectory.stepsFile), atomically: true, encoding: .utf8)
            do {
                try store.ingest(directory: cell.url)
                Issue.record("a malformed middle line was accepted")
            } catch let LineageError.malformedFile(path, line, message) {
                #expect(path == cell.file(CellDirectory.stepsFile).path)
                #expect(line == 2)
                #expect(message.contains("step"))
            }
            try FileManager.default.removeItem(at: cell.file(CellDirectory.runFile))
            #expect(throws: LineageError.missingFile(path: cell.file(CellDirectory.runFile).path)) {
                try store.ingest(directory: cell.url)
            }
            #expect(try store.experiments().isEmpty, "failed ingests leave nothing behind")
        }
    }

    @Test func aRerunIngestedBeforeItsParentStillChainsOnceTheParentArrives() throws {
        try withTemporaryDirectory { root in
            let store = try LineageStore(path: root.appendingPathComponent("lineage.sqlite").path)
            let child = try writeCell(in: root.appendingPathComponent("b"), runID: "run-2", parent: "run-1")
            try store.ingest(directory: child.url)
            #expect(try store.parentChain(of: "run-2").isEmpty)
            let parent = try writeCell(in: root.appendingPathComponent("a"), runID: "run-1", status: .interrupted)
            try store.ingest(directory: parent.url)
            #expect(try store.parentChain(of: "run-2").map(\.id) == ["run-1"])
            #expect(try store.cellStatus(id: "c0ffee") == .done)
        }
    }
}

extension IngestTests {
    /// Paths inside the project are kept relative to its root, so a moved checkout still finds its files;
    /// paths outside stay absolute, and rows written with absolute paths before still read.
    @Test func aMovedCheckoutKeepsItsLineage() throws {
        try withTemporaryDirectory { root in
            let checkout = root.appendingPathComponent("checkout"), moved = root.appendingPathComponent("elsewhere/checkout")
            let cell = try writeCell(in: checkout)
            do {
                let store = try LineageStore(path: checkout.appendingPathComponent("runs/lineage.sqlite").path)
                try store.ingest(directory: cell.url)
            }
            try FileManager.default.createDirectory(at: moved.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.moveItem(at: checkout, to: moved)
            let store = try LineageStore(path: moved.appendingPathComponent("runs/lineage.sqlite").path)
            #expect(store.paths.root.path == moved.path)
            let adapter = try #require(try store.artifacts(run: "run-1").first { $0.kind == .adapter })
            #expect(adapter.path == "runs/smoke/c0ffee/adapter/adapter_model.safetensors")
            #expect(FileManager.default.fileExists(atPath: store.paths.absolute(adapter.path)))
            #expect(try store.lineage(of: moved.appendingPathComponent(adapter.path).path).first?.run.id == "run-1")
            #expect(try store.inputs(run: "run-1").first?.path == "/models/smollm2", "outside the project: absolute")
        }
    }

    @Test func keptPathsAreRelativeInsideTheRootOnly() {
        let paths = ProjectPaths(root: URL(fileURLWithPath: "/srv/lab"))
        #expect(paths.relative("/srv/lab/runs/smoke/c0ffee/cell.log") == "runs/smoke/c0ffee/cell.log")
        #expect(paths.relative("/srv/laboratory/data.jsonl") == "/srv/laboratory/data.jsonl", "a sibling with a common prefix is outside")
        #expect(paths.kept("/srv/lab/data/tasks-en.jsonl") == "data/tasks-en.jsonl", "an old absolute row reads relative")
        #expect(paths.kept("/models/smollm2") == "/models/smollm2")
        #expect(paths.kept("data/tasks-en.jsonl") == "data/tasks-en.jsonl")
        #expect(paths.absolute("data/tasks-en.jsonl") == "/srv/lab/data/tasks-en.jsonl" && paths.absolute("/models/m") == "/models/m")
        #expect(ProjectPaths(storePath: "/srv/lab/runs/lineage.sqlite") == paths)
    }
}
