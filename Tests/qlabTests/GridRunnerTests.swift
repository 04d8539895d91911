import Datasets
import Evaluation
import ExperimentSpec
import Foundation
import Lineage
import Models
import Runner
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The runner end to end on the tiny reference model: identities, skipping, --only, --force, reruns and a
/// worker killed mid-cell. Workers are the built `qlab` binary, as in real use.
@Suite(.serialized)
struct GridRunnerTests {
    /// Writes `count` `a+b=` prompt/answer pairs (seeded by `salt`) to a JSONL file.
    static func dataset(_ path: String, salt: Int, count: Int = 64) throws {
        var lines: [String] = []
        for i in 0..<count {
            let a = (i * 7 + salt) % 50, b = (i * 13 + 3 * salt) % 50
            lines.append("{\"prompt\": \"\(a)+\(b)=\", \"answer\": \"\(a + b)\"}")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func experiment(dataA: String, dataB: String, steps: Int = 12) -> Experiment {
        Experiment("tiny-grid") {
            Description("Two datasets × two ranks on the tiny reference model.")
            Model.path(CLI.fixture("qlora-reference/tiny-llama/base"), parameters: 435_000)
            QLoRA.paperDefaults.scaled(steps: steps, batchSize: 4, sourceLength: 12, targetLength: 6)
            Fix(\.lora.dropout, 0.1)
            Fix(\.optimizer.learningRate, 1e-3)
            Fix(\.checkpointEvery, 4)
            Fix(\.evalEvery, 4)
            Fix(\.gradientCheckpointing, false)
            Axis(\.data.datasets, over: ["a", "b"]) { $0 == "a" ? [dataA] : [dataB] }
            Axis(\.lora.rank, [4, 8])
            Evaluate {
                HeldOutLoss(maxExamples: 8)
                Tournament(judge: .reference, prompts: 3, orderings: 200, maxNewTokens: 4, includeBase: true)
            }
        }
    }

    struct Fixture {
        let root: String
        let dataA: String
        let dataB: String
        var experiment: Experiment { GridRunnerTests.experiment(dataA: dataA, dataB: dataB) }
    }

    static func fixture() throws -> Fixture {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-grid-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let a = root + "/a.jsonl", b = root + "/b.jsonl"
        try dataset(a, salt: 1)
        try dataset(b, salt: 2)
        return Fixture(root: root, dataA: a, dataB: b)
    }

    static func quiet(_ line: String) {}

    @Test func identitiesAreStableAndFollowTheDataTheyRead() throws {
        let f = try Self.fixture()
        let first = try GridRunner(experiment: f.experiment, runsRoot: f.root + "/runs").plan()
        let second = try GridRunner(experiment: f.experiment, runsRoot: f.root + "/runs").plan()
        #expect(first.map(\.entry.cell) == second.map(\.entry.cell))
        #expect(Set(first.map(\.entry.cell)).count == 4)
        // Change dataset b: exactly the two cells that read it get new ids.
        try Self.dataset(f.dataB, salt: 3)
        let third = try GridRunner(experiment: f.experiment, runsRoot: f.root + "/runs").plan()
        for (old, new) in zip(first, third) {
            let readsB = old.entry.axes.contains { $0.name == "data.datasets" && $0.value == "b" }
            #expect((old.entry.cell != new.entry.cell) == readsB, "\(old.entry.axes)")
        }
    }

    @Test func runSkipsWhatIsDoneAndOnlyAndForceDoWhatTheySay() throws {
        let f = try Self.fixture()
        let runs = f.root + "/runs"
        let runner = try GridRunner(experiment: f.experiment, runsRoot: runs)
        let only = try runner.plan(only: [("lora.rank", "4")])
        #expect(only.count == 2)
        let firstRun = try runner.run(only, jobs: 2, cores: 2, force: false, executable: CLI.executable.path, say: Self.quiet)
        #expect(firstRun.succeeded.count == 2 && firstRun.failed.isEmpty)
        let all = try runner.plan()
        #expect(all.filter { $0.status == .done }.count == 2 && all.filter { $0.status == .pending }.count == 2)
        let secondRun = try runner.run(all, jobs: 2, cores: 2, force: false, executable: CLI.executable.path, say: Self.quiet)
        #expect(secondRun.succeeded.count == 2 && secondRun.skipped.count == 2)
        let third = try runner.run(try runner.plan(), jobs: 2, cores: 2, force: false, executable: CLI.executable.path, say: Self.quiet)
        #expect(third.succeeded.isEmpty && third.skipped.count == 4, "a second run runs nothing")
        // Every cell has its files and its metrics in the store.
        for cell in try runner.plan() {
            #expect(cell.status == .done)
            let run = try #require(try runner.store.runs(cell: cell.entry.cell).last)
            let metrics = try runner.store.finalMetrics(run: run.id)
            #expect(metrics["eval_loss"] != nil)
            #expect(try runner.store.metricCount(run: run.id) > 12)
            // Where the cell's time went: training, the held-out loss and the tournament answers, each measured.
            for part in ["seconds_train", "seconds_eval_loss", "seconds_tournament_answers"] {
                #expect((metrics[part] ?? 0) > 0, "\(part) of \(cell.entry.cell)")
            }
            #expect(run.blasCore != nil && run.threads != nil)
        }
        // --force runs a finished cell again as a rerun linked to its run.
        let target = try runner.plan(only: [("lora.rank", "8"), ("data.datasets", "a")])
        let forced = try runner.run(target, jobs: 1, cores: 2, force: true, executable: CLI.executable.path, say: Self.quiet)
        #expect(forced.succeeded.count == 1)
        let history = try runner.store.runs(cell: target[0].entry.cell)
        #expect(history.count == 2 && history.last?.parentRun == history.first?.id)

        // The tournament between the four finished cells and their untrained bases (one per dataset, whose held-out
        // questions are its prompts): both orders of every pair on every prompt, in the store.
        let spec = try #require(f.experiment.parts.evaluation?.tournament)
        let result = try runner.tournament(spec, say: Self.quiet)
        let bases = result.contestants.filter(BaseContestant.isBase)
        #expect(result.contestants.count == 6 && bases.count == 2 && result.promptCount == 3, "\(result.contestants)")
        #expect(result.judgments.count == 15 * 2 * 3)
        let stored = try runner.store.judgments(tournament: "tiny-grid")
        #expect(stored.count == 90 && stored.filter { $0.presentationOrder == .ab }.count == 45)
        // Each base is a cell row of its own, made once per base before training: the answers of the model as the
        // cells load it, without an adapter.
        var baseOf: [String: String] = [:]
        for cell in try runner.plan() {
            let data = try Data(contentsOf: URL(fileURLWithPath: runs + "/" + cell.entry.directory + "/tournament-answers-base.json"))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let base = try #require(object["base"] as? String)
            let row = try runner.store.cell(id: base)
            #expect(bases.contains(base) && row != nil)
            let dataset = cell.entry.axes.first { $0.name == "data.datasets" }?.value ?? ""
            #expect(baseOf[dataset, default: base] == base, "cells on one dataset share their base")
            baseOf[dataset] = base
            let answers = try #require(object["answers"] as? [[String: Any]]).compactMap { $0["answer"] as? String }
            let config = cell.entry.config
            let loaded = try ModelLoader.load(try ModelLocation.resolve(config.model.name), quantization: config.model.weightQuantization)
            let expected = try TournamentAnswer.generate(tournament: spec, settings: config.data, catalog: try DatasetCatalog.locate(),
                                                         model: loaded.model, adapter: nil, tokenizer: try #require(loaded.tokenizer))
            #expect(answers == expected.map(\.answer))
        }
        #expect(Set(baseOf.values) == Set(bases))
        let ratings = try runner.store.ratings(tournament: "tiny-grid").filter { $0.method == "elo" }
        #expect(Set(ratings.map(\.cell)) == Set(result.contestants))
        let mean: Double = ratings.map(\.rating).reduce(0, +) / Double(ratings.count)
        #expect(abs(mean - 1000) < 1e-6, "Elo updates conserve the mean rating")
        // The paired comparisons, with intervals from resampling the three prompts.
        let paired = try runner.store.ratings(tournament: "tiny-grid").filter { $0.method == "elo-paired" }
        #expect(Set(paired.map(\.cell)) == Set(result.contestants))
        for r in paired {
            let lower = try #require(r.lower), upper = try #require(r.upper)
            #expect(lower <= r.rating && r.rating <= upper, "\(r)")
        }
        let pairedMean: Double = paired.map(\.rating).reduce(0, +) / Double(paired.count)
        #expect(abs(pairedMean - 1000) < 1e-6)
    }

    @Test func aDivergingCellEndsDivergedInItsFilesTheStoreAndThePlan() throws {
        let f = try Self.fixture()
        let blowUp = Experiment("tiny-blow-up") {
            Model.path(CLI.fixture("qlora-reference/tiny-llama/base"), parameters: 435_000)
            QLoRA.paperDefaults.scaled(steps: 8, batchSize: 4, sourceLength: 12, targetLength: 6)
            Fix(\.optimizer.learningRate, 1e6)
            Fix(\.optimizer.maxGradNorm, 0)
            Fix(\.checkpointEvery, 2)
            Fix(\.gradientCheckpointing, false)
            Fix(\.data.datasets, [f.dataA])
        }
        let runner = try GridRunner(experiment: blowUp, runsRoot: f.root + "/runs")
        let outcome = try runner.run(try runner.plan(), jobs: 1, cores: 2, force: false, executable: CLI.executable.path, say: Self.quiet)
        #expect(outcome.failed.count == 1 && outcome.succeeded.isEmpty)
        let cell = try #require(try runner.plan().first)
        #expect(cell.status == .diverged)
        let run = try #require(try runner.store.runs(cell: cell.entry.cell).last)
        #expect(run.status == .diverged)
        #expect(run.exitReason?.contains("step") == true, "\(run.exitReason ?? "")")
        let file = try CellDirectory(url: URL(fileURLWithPath: f.root + "/runs/" + cell.entry.directory)).readRun()
        #expect(file.status == .diverged)
    }

    @Test func aRerunReproducesBitForBit() throws {
        let f = try Self.fixture()
        let runner = try GridRunner(experiment: f.experiment, runsRoot: f.root + "/runs")
        let cells = try runner.plan(only: [("lora.rank", "8"), ("data.datasets", "b")])
        _ = try runner.run(cells, jobs: 1, cores: 2, force: false, executable: CLI.executable.path, say: Self.quiet)
        let verdict = try runner.rerun(cell: cells[0].entry.cell, cores: 2, executable: CLI.executable.path, say: Self.quiet)
        #expect(verdict.reproduced, "differing: \(verdict.differingMetrics), adapter identical: \(verdict.adapterIdentical)")
        #expect(verdict.parent != verdict.run)
        #expect(verdict.sameKernel && verdict.kernel != nil)

        // On another BLAS kernel the bits are not comparable: the verdict names both kernels and compares within
        // a tolerance, which a correct kernel meets.
        let original = try #require(verdict.kernel)
        let other = original == "Sandybridge" ? "Nehalem" : "Sandybridge"
        runner.workerEnvironment = ["QLAB_BLAS_CORE": other]
        let across = try runner.rerun(cell: cells[0].entry.cell, cores: 2, executable: CLI.executable.path, say: Self.quiet)
        // Under the oneDNN backend (QLAB_MATMUL=onednn) the recorded kernel names oneDNN and then this OpenBLAS core.
        let named = { (kernel: String?, core: String) in kernel == core || kernel?.hasSuffix("+ OpenBLAS \(core)") == true }
        #expect(across.parentKernel == original && named(across.kernel, other), "\(across.kernel ?? "none")")
        #expect(!across.sameKernel)
        #expect(across.agreesWithinTolerance, "largest relative difference \(across.largestRelativeDifference)")
        #expect(across.largestRelativeDifference < GridRunner.crossKernelTolerance)
    }

    @Test func aWorkerKilledMidCellResumesToTheUninterruptedResult() throws {
        let f = try Self.fixture()
        let killedRoot = f.root + "/killed", straightRoot = f.root + "/straight"
        let slow = Self.experiment(dataA: f.dataA, dataB: f.dataB, steps: 40)
        let straight = try GridRunner(experiment: slow, runsRoot: straightRoot)
        let cell = try straight.plan(only: [("lora.rank", "4"), ("data.datasets", "a")])
        _ = try straight.run(cell, jobs: 1, cores: 2, force: false, executable: CLI.executable.path, say: Self.quiet)
        let expected = try straight.store.finalMetrics(run: try #require(try straight.store.runs(cell: cell[0].entry.cell).last).id)

        // A coordinator in another process, whose worker we SIGKILL once it has passed a checkpoint.
        let coordinator = Process()
        coordinator.executableURL = CLI.executable
        let killed = try GridRunner(experiment: slow, runsRoot: killedRoot)
        let entry = try killed.plan(only: [("lora.rank", "4"), ("data.datasets", "a")])[0].entry
        try CellManifest(runsRoot: killedRoot, entries: [entry]).write(to: f.root + "/manifest.json")
        coordinator.arguments = ["cell", "run", "--manifest", f.root + "/manifest.json", "--index", "0"]
        coordinator.standardOutput = FileHandle.nullDevice
        coordinator.standardError = FileHandle.nullDevice
        try coordinator.run()
        let steps = killedRoot + "/" + entry.directory + "/steps.jsonl"
        let deadline = Date().addingTimeInterval(120)
        while coordinator.isRunning, Date() < deadline,
              ((try? String(contentsOfFile: steps, encoding: .utf8)) ?? "").split(separator: "\n").count < 10 { usleep(5_000) }
        kill(coordinator.processIdentifier, SIGKILL)
        coordinator.waitUntilExit()
        #expect(coordinator.terminationReason == .uncaughtSignal, "the worker finished before it could be killed")

        // Planning again finds the dead run and marks it interrupted, not lost.
        let replanned = try GridRunner(experiment: slow, runsRoot: killedRoot)
        let status = try replanned.plan(only: [("lora.rank", "4"), ("data.datasets", "a")])
        #expect(status[0].status == .interrupted)
        let interrupted = try replanned.store.runs(cell: entry.cell)
        #expect(interrupted.count == 1 && interrupted[0].status == .interrupted)
        // Running the grid again resumes the cell and ends where the uninterrupted run ended.
        let outcome = try replanned.run(status, jobs: 1, cores: 2, force: false, executable: CLI.executable.path, say: Self.quiet)
        #expect(outcome.succeeded.count == 1)
        let runs = try replanned.store.runs(cell: entry.cell)
        #expect(runs.count == 2 && runs.last?.parentRun == runs.first?.id && runs.last?.status == .succeeded)
        let got = try replanned.store.finalMetrics(run: runs.last!.id)
        for name in ["eval_loss", "train_loss"] {
            #expect(got[name]?.bitPattern == expected[name]?.bitPattern, "\(name): \(got[name] ?? .nan) vs \(expected[name] ?? .nan)")
        }
        let adapter = { (r: GridRunner, run: String) in try r.store.artifacts(run: run).first { $0.path.hasSuffix("adapter_model.safetensors") }?.sha256 }
        #expect(try adapter(replanned, runs.last!.id) == adapter(straight, try straight.store.runs(cell: cell[0].entry.cell).last!.id))
    }
}
