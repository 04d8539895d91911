import ArgumentParser
import ExperimentSpec
import Experiments
import Foundation
import Runner

/// Options every store-reading command shares.
struct StoreOptions: ParsableArguments {
    @Option(help: "The runs folder (cell directories and lineage.sqlite).")
    var runs: String = "runs"
}

/// The experiment called `name`, or a validation error listing the known ones.
func experimentNamed(_ name: String) throws -> Experiment {
    guard let experiment = Experiments.named(name) else {
        throw ValidationError("no experiment named \"\(name)\"; known: \(Experiments.all.map(\.name).joined(separator: ", "))")
    }
    return experiment
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
            records every run. One failing cell never stops the others; its error shows at once with its log's path.
            """
    )

    @Argument(help: "The experiment (see `qlab plan`).") var name: String
    @Option(help: "Worker processes at once (at most cores ÷ the cells' BLAS threads).") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Cores to divide between the workers.") var cores: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(parsing: .upToNextOption, help: "Only cells with these axis values (AXIS=VALUE, repeatable).") var only: [String] = []
    @Flag(help: "Run finished cells again (as reruns linked to their last run).") var force = false
    @OptionGroup var store: StoreOptions

    func run() throws {
        let experiment = try experimentNamed(name)
        let filters = try only.map { text -> (axis: String, value: String) in
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--only \(text): expected AXIS=VALUE") }
            return (parts[0], parts[1])
        }
        let runner = try GridRunner(experiment: experiment, runsRoot: store.runs)
        let cells = try runner.plan(only: filters)
        guard !cells.isEmpty else { throw ValidationError("no cell of \(name) matches \(only.joined(separator: " "))") }
        let outcome = try runner.run(cells, jobs: jobs, cores: cores, force: force, executable: currentExecutable()) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        print("\(name): \(outcome.succeeded.count) succeeded, \(outcome.skipped.count) already done, \(outcome.failed.count) failed, \(outcome.interrupted.count) interrupted")
        for f in outcome.failed { print("  failed \(f.cell): log \(f.log)") }
        if !outcome.failed.isEmpty || !outcome.interrupted.isEmpty { throw ExitCode(1) }
        // The declared tournament runs once every cell of the grid is done.
        if let spec = experiment.parts.evaluation?.tournament, only.isEmpty,
           try runner.plan().allSatisfy({ $0.status == .done }), !(outcome.succeeded.isEmpty && !force && runner.hasTournament) {
            let result = try runner.tournament(spec) { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
            TournamentCommand.printResult(result)
        }
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

    func run() throws {
        let m = try CellManifest.read(path: manifest)
        guard m.entries.indices.contains(index) else {
            throw ValidationError("\(manifest) has \(m.entries.count) cells; index \(index) is out of range")
        }
        // The cell's configuration fixes its BLAS threads: results depend on them.
        let worker = CellWorker(entry: m.entries[index], runsRoot: m.runsRoot, threads: m.entries[index].config.threads, executor: executor)
        let metrics = try worker.run { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        print("metrics: " + metrics.keys.sorted().map { "\($0)=\(metrics[$0]!)" }.joined(separator: " "))
    }
}
