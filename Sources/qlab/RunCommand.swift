import Support
import ArgumentParser
import Evaluation
import ExperimentSpec
import Experiments
import Foundation
import Lineage
import Runner

/// The experiment called `name`, or a validation error suggesting the nearest and listing the known ones.
func experimentNamed(_ name: String) throws -> Experiment {
    guard let experiment = Experiments.named(name) else { throw ValidationError(ExperimentNames.unknown(name, store: nil)) }
    return experiment
}

/// `--only AXIS=VALUE` options as filters.
func onlyFilters(_ only: [String]) throws -> [(axis: String, value: String)] {
    try only.map { text in
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw ValidationError("--only \(text): expected AXIS=VALUE") }
        return (parts[0], parts[1])
    }
}

/// The path of the running `qlab` binary (workers are started from it).
func currentExecutable() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
    return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
}

/// `qlab run`: the missing cells of a grid, several worker processes at once.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the cells of an experiment that are not done, in parallel worker processes.",
        discussion: """
            A finished cell is skipped; a cell whose worker was killed resumes from its last checkpoint. Each cell \
            writes runs/NAME/CELL/ (config, step log, adapter, evaluation, log) and the store runs/lineage.sqlite \
            records every run. One failing cell never stops the others; its error shows at once with its log's path. \
            With --executor slurm the cells go to Slurm as one job array instead; this machine keeps the store and \
            ingests the cell directories (--wait, or later with `qlab ingest`); `qlab cancel` stops the array.
            """
    )

    @Argument(help: "The experiment (see `qlab plan`).") var name: String
    @Option(help: "Worker processes at once (at most cores ÷ the cells' BLAS threads).") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Cores to divide between the workers.") var cores: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(parsing: .upToNextOption, help: "Only cells with these axis values (AXIS=VALUE, repeatable).") var only: [String] = []
    @Flag(help: "Run finished cells again (as reruns linked to their last run).") var force = false
    @Flag(help: "Keep a finished cell's checkpoints and optimizer state (by default only a cell not yet done keeps them, to resume from).")
    var keepCheckpoints = false
    @Flag(help: "End with a JSON summary on stdout (succeeded, skipped, failed, interrupted cells) instead of the prose one; progress stays on stderr.")
    var json = false
    @OptionGroup var store: StoreOptions
    @OptionGroup(title: "Overrides") var overrideOptions: OverrideOptions
    @OptionGroup(title: "Slurm") var slurm: SlurmArguments

    func run() throws {
        let experiment = try experimentNamed(name)
        try store.requireProject(toCreate: "run")
        var filters = try onlyFilters(only)
        let (overrides, overrideNote) = try overrideOptions.resolve(experiment: name, runs: store.runs)
        let runner = try GridRunner(experiment: experiment, runsRoot: store.runs, overrides: overrides)
        runner.keepCheckpoints = keepCheckpoints
        let cells: [PlannedCell]
        do {
            if !filters.isEmpty { filters = try AxisShortName.resolve(filters, among: try experiment.axisNames(overrides: overrides)) }
            cells = try runner.plan(only: filters)
        } catch let error as OverrideError {
            throw overrideOptions.failure(error, experiment: name, runs: store.runs)
        } catch RunnerError.badFilter(let text) {
            throw ValidationError("--only \(text)")
        }
        try overrideOptions.recordGiven(overrides, experiment: name, runs: store.runs)
        guard !cells.isEmpty else { throw ValidationError("no cell of \(name) matches \(only.joined(separator: " "))") }
        let say: (String) -> Void = { line in StandardError.write(Data((line + "\n").utf8)) }
        // Caught so that the workers are stopped with a checkpoint and ingested rather than orphaned.
        StopSignal.install()
        if let overrideNote { say(overrideNote) }
        let outcome: GridRunner.Outcome
        switch slurm.executor {
        case .local:
            outcome = try runner.run(cells, jobs: jobs, cores: cores, force: force, executable: currentExecutable(), say: say)
        case .slurm:
            let options = slurm.options
            // One array per experiment at a time: a second would run the same cells twice.
            let active = try runner.activeSlurmArrays()
            var arrays = active
            if !active.isEmpty {
                guard slurm.wait else {
                    throw RunnerError.slurm("job array \(active.map(\.job).joined(separator: ", ")) of \(name) is still queued or running: "
                                          + "follow it with `qlab run \(name) --executor slurm --wait`, or stop it with `qlab cancel \(name)`")
                }
                say("job array \(active.map(\.job).joined(separator: ", ")) of \(name) is still queued or running; waiting for it")
            } else if let array = try runner.submitToSlurm(cells, force: force, options: options, executable: currentExecutable(), say: say) {
                arrays = [array]
            }
            guard slurm.wait, !arrays.isEmpty else {
                if json {
                    try JSONOutput.write(.object(["experiment": .string(name), "submitted_job_array": JSONOutput.text(arrays.first?.job)]))
                } else if let job = arrays.first?.job {
                    print("\(name): submitted job array \(job). Follow it with `squeue --me`; collect the results into the store "
                          + "with `qlab run \(name) --executor slurm --wait` (or `qlab ingest \(store.runs)/\(name)`); stop it with `qlab cancel \(name)`.")
                }
                // A signal that came while submitting was held back by the handlers; it still ends the command.
                if let signal = StopSignal.pending { throw ExitCode(StopSignal.exitStatus(signal)) }
                return
            }
            outcome = try runner.waitForSlurm(arrays, options: options, say: say)
        }
        if json {
            try finishJSON(outcome, runner: runner)
            return
        }
        print("\(name): \(outcome.succeeded.count) succeeded, \(outcome.skipped.count) already done, \(outcome.failed.count) failed, \(outcome.interrupted.count) interrupted"
              + (outcome.elsewhere.isEmpty ? "" : ", \(outcome.elsewhere.count) running elsewhere"))
        for f in outcome.failed { print("  failed \(f.cell): log \(f.log)") }
        if let signal = outcome.stoppedBy {
            print(slurm.executor == .slurm
                  ? "\(name): stopped waiting (\(StopSignal.name(signal))); collect the array's cells with `qlab run \(name) --executor slurm --wait` or `qlab ingest \(store.runs)/\(name)`"
                  : "\(name): stopped by \(StopSignal.name(signal)); `qlab run \(name)` resumes the interrupted cells from their checkpoints")
            throw ExitCode(StopSignal.exitStatus(signal))
        }
        if !outcome.failed.isEmpty || !outcome.interrupted.isEmpty { throw ExitCode(1) }
        if let result = try declaredTournament(outcome, runner: runner) { TournamentCommand.printResult(result) }
    }

    /// The declared tournament, run once every cell of the grid is done (and not again when nothing changed).
    private func declaredTournament(_ outcome: GridRunner.Outcome, runner: GridRunner) throws -> TournamentResult? {
        guard let spec = try runner.declaredTournament(), only.isEmpty,
              try runner.plan().allSatisfy({ $0.status == .done }), !(outcome.succeeded.isEmpty && !force && runner.hasTournament) else { return nil }
        return try runner.tournament(spec) { line in StandardError.write(Data((line + "\n").utf8)) }
    }

    /// `--json`: the outcome (and the tournament it led to) as one object, with the same exit status as the prose.
    private func finishJSON(_ outcome: GridRunner.Outcome, runner: GridRunner) throws {
        let ids = { (cells: [String]) in JSONValue.array(cells.map(JSONValue.string)) }
        var object: [String: JSONValue] = [
            "experiment": .string(name), "succeeded": ids(outcome.succeeded), "skipped": ids(outcome.skipped),
            "failed": .array(outcome.failed.map { f -> JSONValue in .object(["cell": .string(f.cell), "log": .string(f.log)]) }),
            "interrupted": ids(outcome.interrupted), "elsewhere": ids(outcome.elsewhere.map(\.cell)),
            "stopped_by": JSONOutput.text(outcome.stoppedBy.map(StopSignal.name)),
        ]
        let complete = outcome.stoppedBy == nil && outcome.failed.isEmpty && outcome.interrupted.isEmpty
        if complete, let result = try declaredTournament(outcome, runner: runner) { object["tournament"] = TournamentCommand.json(result) }
        try JSONOutput.write(.object(object))
        if let signal = outcome.stoppedBy { throw ExitCode(StopSignal.exitStatus(signal)) }
        if !complete { throw ExitCode(1) }
    }
}

/// Where `qlab run` runs the cells, and the `sbatch` settings for Slurm.
struct SlurmArguments: ParsableArguments {
    enum Executor: String, ExpressibleByArgument, CaseIterable {
        case local, slurm
    }

    @Option(help: "local (worker processes here) or slurm (one job array; tasks write cell directories that this machine ingests).")
    var executor: Executor = .local
    @Option(help: "Slurm partition (sbatch --partition).") var partition: String?
    @Option(help: "Time limit of each task (sbatch --time, e.g. 2:00:00).") var time: String?
    @Option(name: .customLong("cpus-per-task"), help: "CPUs of each task (default: the cells' BLAS threads).") var cpusPerTask: Int?
    @Option(help: "Memory of each task (sbatch --mem, e.g. 8G).") var mem: String?
    @Option(name: .customLong("max-parallel"), help: "At most this many tasks at once (the %K of --array).") var maxParallel: Int?
    @Option(name: .customLong("sbatch-arg"), parsing: .unconditionalSingleValue,
            help: "One more sbatch argument, e.g. --sbatch-arg=--account=lab (repeatable).") var sbatchArgs: [String] = []
    @Flag(help: "With slurm: stay until the array ends, ingesting each cell as its task finishes.") var wait = false
    @Option(help: "With --wait: seconds between squeue polls.") var poll: Double = 10

    func validate() throws {
        if executor == .local, partition != nil || time != nil || cpusPerTask != nil || mem != nil || maxParallel != nil || !sbatchArgs.isEmpty || wait {
            throw ValidationError("--partition, --time, --cpus-per-task, --mem, --max-parallel, --sbatch-arg and --wait need --executor slurm")
        }
        if let n = cpusPerTask, n < 1 { throw ValidationError("--cpus-per-task must be at least 1, not \(n)") }
        if let n = maxParallel, n < 1 { throw ValidationError("--max-parallel must be at least 1, not \(n)") }
        if poll <= 0 { throw ValidationError("--poll must be positive, not \(poll)") }
        // Values written into the batch script: checked at the command line, with its exit status.
        do { try options.validate() } catch { throw ValidationError("\(error)") }
    }

    var options: SlurmOptions {
        SlurmOptions(partition: partition, time: time, cpusPerTask: cpusPerTask, memory: mem, maxParallel: maxParallel,
                     extraArguments: sbatchArgs, pollInterval: poll)
    }
}

/// `qlab cancel`: stops an experiment's Slurm arrays; their cells resume on the next run.
struct CancelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel the Slurm job arrays of an experiment; each task checkpoints its last step and resumes on the next run."
    )

    @Argument(help: "The experiment.") var name: String
    @Flag(name: .customLong("no-wait"), help: "Return at once instead of waiting for the tasks to stop and ingesting them.") var noWait = false
    @Option(help: "Seconds between squeue polls while waiting.") var poll: Double = 2
    @OptionGroup var store: StoreOptions

    func run() throws {
        let runner = try GridRunner(experiment: try experimentNamed(name), runsRoot: store.runs)
        let cancelled = try runner.cancelSlurm()
        guard !cancelled.isEmpty else {
            print("\(name): no job array of it is queued or running")
            return
        }
        print("\(name): cancelled job array \(cancelled.map(\.job).joined(separator: ", ")) (\(cancelled.map(\.cells.count).reduce(0, +)) cells)")
        guard !noWait else { return }
        let outcome = try runner.waitForSlurm(cancelled, options: SlurmOptions(pollInterval: poll)) { line in
            StandardError.write(Data((line + "\n").utf8))
        }
        print("\(name): \(outcome.succeeded.count) finished before the cancel, \(outcome.interrupted.count) interrupted (they resume on the next `qlab run \(name) --executor slurm`), \(outcome.failed.count) failed")
    }
}

/// `qlab cell run`: one cell of a manifest, in this process (what `qlab run` and Slurm tasks start).
struct CellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cell",
        abstract: "Work on single cells (used by `qlab run` and cluster jobs).",
        subcommands: [CellRunCommand.self]
    )
}

struct CellRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run cell INDEX of a manifest into its cell directory (never writes the store)."
    )

    @Option(help: "The manifest written by the coordinator.") var manifest: String
    @Option(help: "The cell's index in the manifest (e.g. $SLURM_ARRAY_TASK_ID).") var index: Int
    @Option(help: "local or slurm (recorded with the run).") var executor: String = "local"
    @Option(help: .hidden) var coordinator: Int32?

    func run() throws {
        let m = try CellManifest.read(path: manifest)
        guard m.entries.indices.contains(index) else {
            throw ValidationError("\(manifest) has \(m.entries.count) cells; index \(index) is out of range")
        }
        let entry = m.entries[index]
        // SIGTERM (Slurm's cancel, pre-emption or time limit) and SIGINT stop at the next step with a checkpoint.
        StopSignal.install()
        // A local worker must not outlive its coordinator: nobody would ingest its cell.
        if let coordinator { StopSignal.stopWhenParentDies(startedBy: coordinator) }
        var executorName = executor
        let environment = ProcessInfo.processInfo.environment
        if executor == "slurm", let job = environment["SLURM_ARRAY_JOB_ID"], let task = environment["SLURM_ARRAY_TASK_ID"] {
            executorName = "slurm job \(job)_\(task)"
        }
        // Local workers' output is already redirected to cell.log; elsewhere the worker appends to it itself.
        var log: FileHandle? = nil
        // The cell's configuration fixes its BLAS threads: results depend on them.
        let worker = CellWorker(entry: entry, runsRoot: m.runsRoot, threads: entry.config.threads, executor: executorName,
                                keepCheckpoints: m.keepCheckpoints ?? false)
        // Before the log is opened: a linked cell.log would take the worker's output elsewhere.
        try worker.checkPlacement()
        if executor != "local" {
            let path = worker.directory.file("cell.log").path
            try worker.directory.create()
            if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
            log = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try log?.seekToEnd()
        }
        let say: @Sendable (String) -> Void = { [log] line in
            let data = Data((line + "\n").utf8)
            // The throwing forms: on a full disk the log cannot grow, and the worker must go on to record why.
            StandardOutput.write(data)
            try? log?.write(contentsOf: data)
        }
        say("cell \(entry.cell) of \(entry.experiment) (\(entry.axes.map { "\($0.name)=\($0.value)" }.joined(separator: " "))), \(executorName)")
        do {
            let metrics = try worker.run(say: say)
            say("metrics: " + metrics.keys.sorted().map { "\($0)=\(metrics[$0]!)" }.joined(separator: " "))
        } catch let error as RunnerError {
            say("error: \(error)")
            if case .cellInterrupted = error { throw ExitCode(StopSignal.pending.map(StopSignal.exitStatus) ?? Self.interruptedExitCode) }
            if case .cellClaimed = error { throw ExitCode(GridRunner.claimedExitCode) }
            throw ExitCode(1)
        }
    }

    /// The exit status of a worker that stopped with its checkpoint written when no signal is known (128 + SIGTERM);
    /// after a signal it is 128 + that signal.
    static let interruptedExitCode: Int32 = 143
}
