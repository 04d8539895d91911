import Support
import ArgumentParser
import ExperimentSpec
import Foundation
import Lineage
import Runner

/// `qlab rerun CELL`: one cell again, as a new run linked to the old, with a bit-for-bit verdict.
struct RerunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rerun",
        abstract: "Run one finished cell again as a new run linked to the old one, and say whether it reproduced bit for bit."
    )

    @Argument(help: "The cell id (or a unique prefix).") var cell: String
    @Option(help: "Cores for the worker.") var cores: Int = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "Keep the cell's checkpoints and optimizer state once it is done.") var keepCheckpoints = false
    @Flag(help: "Print the verdict as one JSON object (reproduced, largest_relative_difference, ...) instead of prose; the exit status is the same.")
    var json = false
    @OptionGroup var store: StoreOptions

    func run() throws {
        try store.requireProject(toCreate: "rerun")
        let lineage = try LineageStore(path: store.runs + "/lineage.sqlite")
        let found = try CellPrefix.resolve(cell, in: lineage, runs: store.runs)
        let experiments = try lineage.experiments().filter { e in (try? lineage.cells(experiment: e.name))?.contains { $0.cell == found.id } == true }
        guard let name = experiments.first?.name else { throw ValidationError("cell \(found.id) belongs to no recorded experiment") }
        let experiment = try experimentNamed(name)
        let runner = try GridRunner(experiment: experiment, runsRoot: store.runs,
                                    overrides: try Self.overrides(of: found, experiment: experiment, runs: store.runs))
        runner.keepCheckpoints = keepCheckpoints
        // As in `qlab run`: a stop signal reaches the worker, which checkpoints, instead of orphaning it.
        StopSignal.install()
        let verdict: GridRunner.Reproduction
        do {
            verdict = try runner.rerun(cell: found.id, cores: cores, executable: currentExecutable()) { line in
                StandardError.write(Data((line + "\n").utf8))
            }
        } catch {
            guard let signal = StopSignal.pending else { throw error }
            if json {
                try JSONOutput.write(.object(["cell": .string(found.id), "interrupted": .bool(true), "stopped_by": .string(StopSignal.name(signal))]))
                throw ExitCode(StopSignal.exitStatus(signal))
            }
            print("cell \(found.id): rerun stopped by \(StopSignal.name(signal)); its worker checkpointed and its run is recorded as interrupted")
            throw ExitCode(StopSignal.exitStatus(signal))
        }
        if json {
            try JSONOutput.write(Self.json(verdict, cell: found.id))
            // As the prose says: not reproduced where bits are comparable, or outside the tolerance where they are not.
            if verdict.sameKernel ? !verdict.reproduced : !verdict.agreesWithinTolerance { throw ExitCode(1) }
            return
        }
        print("cell \(found.id): run \(verdict.run) repeats \(verdict.parent)")
        if !verdict.sameKernel {
            // Bits depend on the BLAS kernel and its thread count: across them only closeness can be asked for.
            let describe = { (core: String?, threads: Int?) in "\(core ?? "an unrecorded kernel") on \(threads.map(String.init) ?? "?") thread(s)" }
            print("the original ran \(describe(verdict.parentKernel, verdict.parentThreads)), this rerun \(describe(verdict.kernel, verdict.threads)): "
                  + "bits are not comparable, so the metrics are compared within a relative \(GridRunner.crossKernelTolerance)")
            let largest = String(format: "%.2e", verdict.largestRelativeDifference)
            if verdict.agreesWithinTolerance {
                print("agrees within tolerance: largest relative difference \(largest)"
                      + (verdict.reproduced ? " (in fact bit for bit)" : ""))
            } else {
                print("NOT reproduced within tolerance: largest relative difference \(largest); outside: \(verdict.metricsOutsideTolerance.joined(separator: ", "))")
                throw ExitCode(1)
            }
            return
        }
        if verdict.reproduced {
            print("reproduced bit for bit on \(verdict.kernel ?? "?") with \(verdict.threads.map(String.init) ?? "?") thread(s): every result metric and the adapter's bytes are identical")
        } else {
            print("NOT reproduced: " + (verdict.adapterIdentical ? "" : "the adapter differs; ")
                  + (verdict.differingMetrics.isEmpty ? "" : "metrics differ: \(verdict.differingMetrics.joined(separator: ", "))"))
            throw ExitCode(1)
        }
    }

    /// The verdict as `--json` prints it: `reproduced` is the bit-for-bit verdict, whatever the kernels.
    static func json(_ verdict: GridRunner.Reproduction, cell: String) -> JSONValue {
        .object([
            "cell": .string(cell), "run": .string(verdict.run), "parent_run": .string(verdict.parent),
            "reproduced": .bool(verdict.reproduced), "adapter_identical": .bool(verdict.adapterIdentical),
            "differing_metrics": .array(verdict.differingMetrics.map(JSONValue.string)),
            "largest_relative_difference": .number(verdict.largestRelativeDifference),
            "same_kernel": .bool(verdict.sameKernel), "tolerance": .number(GridRunner.crossKernelTolerance),
            "agrees_within_tolerance": .bool(verdict.agreesWithinTolerance),
            "metrics_outside_tolerance": .array(verdict.metricsOutsideTolerance.map(JSONValue.string)),
            "kernel": JSONOutput.text(verdict.kernel), "threads": JSONOutput.integer(verdict.threads),
            "parent_kernel": JSONOutput.text(verdict.parentKernel), "parent_threads": JSONOutput.integer(verdict.parentThreads),
        ])
    }

    /// The recorded overrides when the cell belongs to the grid they plan (a cell of `--set`/`--axis`), none otherwise.
    static func overrides(of cell: CellRecord, experiment: Experiment, runs: String) throws -> Overrides {
        guard let recorded = try OverrideRecord(runs: runs, experiment: experiment.name).read(), !recorded.isEmpty,
              let config = try? JSONDecoder().decode(TrainingConfig.self, from: Data(cell.config.utf8)) else { return .none }
        return (try? experiment.cells(overrides: recorded))?.contains { $0.config == config } == true ? recorded : .none
    }
}
