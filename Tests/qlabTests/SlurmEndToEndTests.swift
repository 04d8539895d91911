import ExperimentSpec
import Foundation
import Lineage
@testable import Runner
import Testing
import Training

#if canImport(Glibc)
import Glibc
#endif

/// A grid run as Slurm job arrays on a real Slurm (`scripts/slurm-local start`), against the same grid run
/// locally: a task killed without warning (`scancel --signal=KILL`), then the whole array cancelled (SIGTERM
/// first), each resumed on the next submission, and every result bit-identical to the local run. Runs when QLAB_SLURM_TESTS=1 (`.ci/run`
/// sets it after starting the cluster); the tasks are the built `qlab` binary on SmolLM2-135M.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["QLAB_SLURM_TESTS"] == "1"))
struct SlurmEndToEndTests {
    static let model = CLI.packageRoot.appendingPathComponent(".cache/models/smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf").path

    static func experiment(data: String) -> Experiment {
        Experiment("slurm-grid") {
            Description("Two learning rates on SmolLM2-135M, short enough for CI, long enough to cancel mid-run.")
            Model.path(model, parameters: 135_000_000)
            Dataset.file(data)
            QLoRA.paperDefaults.scaled(steps: 40, batchSize: 2, sourceLength: 24, targetLength: 8)
            Fix(\.lora.rank, 8)
            Fix(\.checkpointEvery, 5)
            Fix(\.evalEvery, 20)
            Fix(\.gradientCheckpointing, false)
            Fix(\.threads, 1)
            Axis(\.optimizer.learningRate, [2e-4, 1e-3])
            Evaluate { HeldOutLoss(maxExamples: 8) }
        }
    }

    /// Steps logged so far in a cell directory.
    static func steps(_ directory: String) -> Int {
        let text = (try? String(contentsOfFile: directory + "/steps.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").count
    }

    /// Waits until `condition` holds, polling every 0.2 s, for at most `seconds`.
    static func waitUntil(_ what: String, seconds: Double, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while try !condition() {
            guard Date() < deadline else { throw RunnerError.slurm("timed out after \(seconds) s waiting until \(what)") }
            usleep(200_000)
        }
    }

    @Test func arraysCancelledAndResumedEqualTheLocalRun() throws {
        #expect(FileManager.default.fileExists(atPath: Self.model), "run scripts/setup: \(Self.model) is missing")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-slurm-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let data = root + "/sums.jsonl"
        try GridRunnerTests.dataset(data, salt: 5, count: 96)
        let experiment = Self.experiment(data: data)
        var log: [String] = []
        let say: (String) -> Void = { log.append($0); print("  \($0)") }

        // The reference: the grid on this machine.
        let local = try GridRunner(experiment: experiment, runsRoot: root + "/local")
        let localOutcome = try local.run(try local.plan(), jobs: 2, cores: 2, force: false, executable: CLI.executable.path, say: say)
        #expect(localOutcome.succeeded.count == 2)

        // 1. Both cells as one array; task 0 is killed outright (SIGKILL, no warning) once it is past its second
        //    checkpoint: the coordinator finds its run still `running` when it leaves the queue.
        let slurm = try GridRunner(experiment: experiment, runsRoot: root + "/slurm")
        let options = SlurmOptions(cpusPerTask: 1, maxParallel: 2, pollInterval: 0.5)
        let plan = try slurm.plan()
        #expect(plan.map(\.entry.cell) == (try local.plan()).map(\.entry.cell), "same inputs, same cell ids")
        let first = try #require(try slurm.submitToSlurm(plan, force: false, options: options, executable: CLI.executable.path, say: say))
        #expect(first.cells.count == 2)
        let script = try String(contentsOfFile: first.script, encoding: .utf8)
        #expect(script.contains("#SBATCH --array=0-1%2"))
        #expect(script.contains("#SBATCH --cpus-per-task=1"))
        let cancelled = first.cells[0], kept = first.cells[1]
        let cancelledDir = root + "/slurm/" + first.directories[0]
        try Self.waitUntil("task 0 logs 12 steps", seconds: 300) { Self.steps(cancelledDir) >= 12 }
        let kill = Process()
        kill.executableURL = URL(fileURLWithPath: try #require(SlurmCommands.locate("scancel")))
        kill.arguments = ["--batch", "--signal=KILL", "\(first.job)_0"]
        try kill.run()
        kill.waitUntilExit()
        #expect(kill.terminationStatus == 0)
        let outcome1 = try slurm.waitForSlurm([first], options: options, say: say)
        #expect(outcome1.interrupted == [cancelled])
        #expect(outcome1.succeeded == [kept])
        let interrupted1 = try CellDirectory(url: URL(fileURLWithPath: cancelledDir)).readRun()
        #expect(interrupted1.status == .interrupted)
        #expect(interrupted1.executor == "slurm job \(first.job)_0")
        #expect(interrupted1.exitReason?.contains("ended without finishing") == true, "\(interrupted1.exitReason ?? "")")
        let checkpoint1 = try #require(Trainer.latestCheckpoint(in: cancelledDir))
        #expect(checkpoint1.step >= 10 && checkpoint1.step < 40 && checkpoint1.step % 5 == 0, "killed: the last periodic checkpoint, \(checkpoint1.step)")
        #expect(FileManager.default.fileExists(atPath: root + "/slurm/slurm-grid/slurm/logs/\(first.job)_1.out"))

        // 2. The next submission holds only the interrupted cell; this time the whole array is cancelled.
        let second = try #require(try slurm.submitToSlurm(try slurm.plan(), force: false, options: options,
                                                           executable: CLI.executable.path, say: say))
        #expect(second.cells == [cancelled])
        try Self.waitUntil("the resumed task logs step \(checkpoint1.step + 4)", seconds: 300) {
            (try? CellDirectory(url: URL(fileURLWithPath: cancelledDir)).readRun().id) != interrupted1.id
                && Self.steps(cancelledDir) >= checkpoint1.step + 4
        }
        #expect(try slurm.activeSlurmArrays().map(\.job) == [second.job])
        #expect(try slurm.cancelSlurm().map(\.job) == [second.job])
        let outcome2 = try slurm.waitForSlurm([second], options: options, say: say)
        #expect(outcome2.interrupted == [cancelled])
        let interrupted2 = try CellDirectory(url: URL(fileURLWithPath: cancelledDir)).readRun()
        #expect(interrupted2.parentRun == interrupted1.id)
        #expect(interrupted2.exitReason?.contains("SIGTERM") == true, "a cancel warns first: \(interrupted2.exitReason ?? "")")
        let checkpoint2 = try #require(Trainer.latestCheckpoint(in: cancelledDir))
        #expect(checkpoint2.step > checkpoint1.step)

        // 3. Resumed to the end.
        let third = try #require(try slurm.submitToSlurm(try slurm.plan(), force: false, options: options,
                                                          executable: CLI.executable.path, say: say))
        let outcome3 = try slurm.waitForSlurm([third], options: options, say: say)
        #expect(outcome3.succeeded == [cancelled])
        #expect(try slurm.plan().allSatisfy { $0.status == .done })
        #expect(try slurm.submitToSlurm(try slurm.plan(), force: false, options: options, executable: CLI.executable.path, say: say) == nil)
        let summary = try JSONDecoder().decode(TrainingSummary.self, from: Data(contentsOf: URL(fileURLWithPath: cancelledDir + "/summary.json")))
        #expect(summary.resumedFrom == checkpoint2.step)

        // Every result equals the local run's bit for bit: final metrics, each step's loss, the adapter bytes.
        for cell in [cancelled, kept] {
            let a = try #require(try local.store.runs(cell: cell).last { $0.status == .succeeded })
            let b = try #require(try slurm.store.runs(cell: cell).last { $0.status == .succeeded })
            #expect(b.executor.hasPrefix("slurm job "))
            let ma = try local.store.finalMetrics(run: a.id), mb = try slurm.store.finalMetrics(run: b.id)
            #expect(!ma.isEmpty && ma["eval_loss"] != nil)
            for name in Set(ma.keys).union(mb.keys) where !GridRunner.isTimingMetric(name) {
                #expect(ma[name]?.bitPattern == mb[name]?.bitPattern, "\(cell) \(name): local \(ma[name] ?? .nan), slurm \(mb[name] ?? .nan)")
            }
            let la = try local.store.metricSeries(run: a.id).first { $0.name == "loss" }
            let lb = try slurm.store.metricSeries(run: b.id).first { $0.name == "loss" }
            #expect(la != nil && la?.values.count == 40)
            #expect(la?.values.map(\.bitPattern) == lb?.values.map(\.bitPattern), "\(cell): step losses differ")
            let adapter = { (store: LineageStore, run: String) in
                try store.artifacts(run: run).first { $0.path.hasSuffix("adapter_model.safetensors") }?.sha256
            }
            let sa = try adapter(local.store, a.id), sb = try adapter(slurm.store, b.id)
            #expect(sa != nil && sa == sb, "\(cell): adapters differ")
        }
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// The pieces of the Slurm executor that need no cluster: the queue parser and the batch script.
struct SlurmFilesTests {
    @Test func queueLinesParseIntoArrayTasks() {
        let parsed = SlurmCommands.parseQueue("12|0|RUNNING\n12|3|PENDING\n15|N/A|RUNNING\n\n")
        #expect(parsed == [
            .init(job: "12", task: 0, state: "RUNNING"), .init(job: "12", task: 3, state: "PENDING"),
            .init(job: "15", task: nil, state: "RUNNING"),
        ])
    }

    @Test func theBatchScriptCarriesTheOptionsAndQuotesPaths() {
        let options = SlurmOptions(partition: "cpu", time: "1:00:00", memory: "8G", maxParallel: 3)
        let script = GridRunner.slurmScript(experiment: "grid", count: 5, options: options, cpus: 2, logFolder: "/runs/grid/slurm/logs",
                                            workingDirectory: "/home/a", executable: "/opt/it's/qlab", manifest: "/runs/m.json")
        let lines = script.split(separator: "\n").map(String.init)
        for expected in ["#SBATCH --array=0-4%3", "#SBATCH --cpus-per-task=2", "#SBATCH --partition=cpu", "#SBATCH --time=1:00:00",
                         "#SBATCH --mem=8G"] {
            #expect(lines.contains(expected), "\(expected)")
        }
        // Paths are sbatch arguments, never script lines.
        #expect(!script.contains("#SBATCH --output") && !script.contains("#SBATCH --chdir"))
        #expect(lines.last == "exec '/opt/it'\\''s/qlab' cell run --manifest '/runs/m.json' --index \"$SLURM_ARRAY_TASK_ID\" --executor slurm")
        let plain = GridRunner.slurmScript(experiment: "grid", count: 1, options: SlurmOptions(), cpus: 1, logFolder: "/l",
                                           workingDirectory: "/w", executable: "/q", manifest: "/m")
        #expect(plain.contains("#SBATCH --array=0-0\n") && !plain.contains("--partition") && !plain.contains("--mem"))
    }

    /// A value with a newline would end its `#SBATCH` line and start a shell command, after which sbatch ignores
    /// every directive; such values are refused before anything is written.
    @Test func injectedLinesAreRefused() throws {
        for options in [SlurmOptions(partition: "cpu\ntouch X #"), SlurmOptions(time: "1:00\r\n#SBATCH --mem=1"),
                        SlurmOptions(memory: "8G; touch X"), SlurmOptions(partition: ""), SlurmOptions(partition: "a b")] {
            #expect(throws: RunnerError.self) { try options.validate() }
        }
        try SlurmOptions(partition: "cpu,gpu", time: "1-12:00:00", memory: "8G").validate()
        // The same at the command line: a usage error (64), and no script written.
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-sbatch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let r = try CLI.run(["run", "smoke", "--executor", "slurm", "--partition", "cpu\ntouch X #", "--runs", root.path + "/runs"])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("--partition"))
        #expect(!FileManager.default.fileExists(atPath: root.path + "/runs/smoke/slurm"))
    }

    @Test func pathsGoToSbatchAsArgumentsWithPercentEscaped() throws {
        let args = try GridRunner.slurmPathArguments(logFolder: "/runs 1/100%/slurm/logs", workingDirectory: "/home/a b")
        #expect(args == ["--output=/runs 1/100%%/slurm/logs/%A_%a.out", "--chdir=/home/a b"])
        #expect(throws: RunnerError.self) { try GridRunner.slurmPathArguments(logFolder: "/a\\b", workingDirectory: "/w") }
        #expect(throws: RunnerError.self) { try GridRunner.slurmPathArguments(logFolder: "/l", workingDirectory: "/w\nx") }
    }
}
