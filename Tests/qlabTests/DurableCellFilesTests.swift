import ExperimentSpec
import Foundation
import Lineage
import Runner
import enum Tensors.BLAS
import Support
import Testing

/// The files a coordinator ingests from a cell directory, and the checkpoints a later run resumes from, are
/// durable: each reached its name by a rename after its bytes were flushed, and the rename was flushed too
/// (the directory holding it), so a crash or a power cut cannot leave a cell recorded from a half-file.
@Suite(.serialized)
struct DurableCellFilesTests {
    /// The index in `steps` where `path` took its name, checked to follow the flush of its complete temporary
    /// file and to be followed by the flush of its directory; nil (with an issue recorded) otherwise.
    static func durablyWritten(_ path: String, in steps: [AtomicFile.Step], sourceLocation: SourceLocation = #_sourceLocation) -> Int? {
        guard let renamed = steps.lastIndex(where: { if case let .renamed(_, to: target) = $0 { target == path } else { false } }) else {
            Issue.record("\(path) was not written through AtomicFile", sourceLocation: sourceLocation)
            return nil
        }
        guard case let .renamed(temporary, _) = steps[renamed], renamed > 0,
              steps[renamed - 1] == .flushedTemporary(temporary, for: path) else {
            Issue.record("\(path) was renamed into place before its bytes were flushed", sourceLocation: sourceLocation)
            return nil
        }
        let directory = String(path[..<path.lastIndex(of: "/")!])
        guard renamed + 1 < steps.count, steps[renamed + 1] == .flushedDirectory(directory) else {
            Issue.record("\(path): its directory was not flushed after the rename", sourceLocation: sourceLocation)
            return nil
        }
        return renamed
    }

    @Test func everyFileACellLeavesForItsCoordinatorIsWrittenDurably() async throws {
        let f = try GridRunnerTests.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.root) }
        let experiment = Experiment("tiny-durable") {
            Model.path(CLI.fixture("qlora-reference/tiny-llama/base"), parameters: 435_000)
            QLoRA.paperDefaults.scaled(steps: 3, batchSize: 4, sourceLength: 12, targetLength: 6)
            Fix(\.checkpointEvery, 2)
            Fix(\.gradientCheckpointing, false)
            Fix(\.data.datasets, [f.dataA])
            Evaluate {
                HeldOutLoss(maxExamples: 8)
                Tournament(judge: .reference, prompts: 2, orderings: 200, maxNewTokens: 2)
            }
        }
        let runsRoot = f.root + "/runs"
        let runner = try GridRunner(experiment: experiment, runsRoot: runsRoot)
        let cell = try #require(try runner.plan().first)
        // The worker in this process (a coordinator runs the same code as `qlab cell run`), so that the writes
        // can be watched; at the process's BLAS thread count, which other tests may be using at this moment.
        let worker = CellWorker(entry: cell.entry, runsRoot: runsRoot, threads: BLAS.threads, keepCheckpoints: true)
        let all = try await AtomicFile.recordingSteps { _ = try worker.run(say: { _ in }) }

        let dir = worker.directory
        #expect(try dir.readRun().status == .succeeded)
        let artifacts = try dir.readArtifacts()
        #expect(artifacts.contains { $0.path == "adapter/adapter_model.safetensors" })
        // steps.jsonl and the log are appended line by line (a cut-off last line is dropped when read); every
        // other file the store takes in is written whole.
        let whole = [CellDirectory.configFile, CellDirectory.runFile, CellDirectory.metricsFile, CellDirectory.artifactsFile]
            + artifacts.filter { $0.kind != .log }.map(\.path)
        #expect(whole.contains("summary.json") && whole.contains(where: { $0.hasPrefix("tournament") || $0.hasPrefix("answers") }), "\(whole)")
        for name in whole {
            _ = Self.durablyWritten(dir.file(name).path, in: all)
        }

        // A checkpoint is written in a temporary folder, renamed into checkpoints/, and that rename is flushed.
        let checkpoints = dir.file("checkpoints").path
        let kept = try FileManager.default.contentsOfDirectory(atPath: checkpoints).filter { $0.hasPrefix("step-") }
        #expect(!kept.isEmpty)
        for name in kept {
            let temporary = checkpoints + "/." + name + ".tmp"
            let files = ["state.safetensors", "trainer_state.json", "adapter/adapter_model.safetensors", "adapter/adapter_config.json"]
            let written = files.compactMap { Self.durablyWritten(temporary + "/" + $0, in: all) }
            #expect(written.count == files.count)
            let published = all.indices.filter { all[$0] == .flushedDirectory(checkpoints) }
            #expect(published.contains { $0 > (written.max() ?? Int.max) }, "checkpoints/\(name): its rename into checkpoints/ was not flushed")
        }
    }

    /// A succeeded cell is never resumed: its checkpoints and paged optimizer state go, its results stay. A cell
    /// that stops before succeeding keeps them (CoordinationTests), and so does one run to keep them (above).
    @Test func aSucceededCellKeepsItsResultsAndDropsWhatOnlyResumingNeeds() throws {
        let f = try GridRunnerTests.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.root) }
        let experiment = Experiment("tiny-pruned") {
            Model.path(CLI.fixture("qlora-reference/tiny-llama/base"), parameters: 435_000)
            QLoRA.paperDefaults.scaled(steps: 4, batchSize: 4, sourceLength: 12, targetLength: 6)
            Fix(\.checkpointEvery, 2)
            Fix(\.gradientCheckpointing, false)
            Fix(\.data.datasets, [f.dataA])
            Evaluate { HeldOutLoss(maxExamples: 8) }
        }
        let runsRoot = f.root + "/runs"
        let runner = try GridRunner(experiment: experiment, runsRoot: runsRoot)
        let cell = try #require(try runner.plan().first)
        let log = FileInputTests.Log()
        let worker = CellWorker(entry: cell.entry, runsRoot: runsRoot, threads: BLAS.threads)
        _ = try worker.run(say: log.append)
        let said = log.lines
        let dir = worker.directory
        let fm = FileManager.default
        #expect(try dir.readRun().status == .succeeded)
        #expect(!fm.fileExists(atPath: dir.file("checkpoints").path))
        #expect(!fm.fileExists(atPath: dir.file("optimizer-m.f32").path) && !fm.fileExists(atPath: dir.file("optimizer-v.f32").path))
        #expect(said.contains { $0.hasPrefix("removed the checkpoints and optimizer state") }, "\(said)")
        // What the store and the reports read is all there, and the adapter is the one the artifacts name.
        let artifacts = try dir.readArtifacts()
        let adapter = try #require(artifacts.first { $0.path == "adapter/adapter_model.safetensors" })
        #expect(try InputHashes.hash(path: dir.file(adapter.path).path) == adapter.sha256)
        let metrics = try #require(try dir.readMetrics()).metrics
        #expect(metrics["eval_loss"] != nil)
        #expect(try dir.readSteps().steps.map(\.step) == [1, 2, 3, 4])
        // Asked for again, the cell is done: nothing is trained, and nothing is missed.
        #expect(try worker.run(say: { _ in }) == metrics)
    }
}

