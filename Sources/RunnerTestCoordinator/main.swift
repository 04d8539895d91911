// A coordinator in a process of its own, for the runner's multi-process tests: two of them at once on one
// grid, signals sent to it, SIGKILL at random moments. It plans and runs a small grid on a model and a
// dataset given by path, as `qlab run` does for a registered experiment.
//
//   RunnerTestCoordinator RUNS MODEL DATA STEPS RANKS JOBS QLAB [keep-checkpoints]
//
// RANKS is a comma-separated list of LoRA ranks (one cell each); QLAB is the `qlab` binary the workers run.
// Prints one line per cell (`succeeded|failed|interrupted|elsewhere|skipped CELL`); exits 0, 1 when a cell
// failed or was interrupted, or 128 + the signal that stopped it.
#if canImport(Glibc)
import Glibc
#endif
import ExperimentSpec
import Foundation
import Runner

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("RunnerTestCoordinator: \(message)\n".utf8))
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count == 8 || (arguments.count == 9 && arguments[8] == "keep-checkpoints"),
      let steps = Int(arguments[4]), let jobs = Int(arguments[6]) else {
    fail("usage: RUNS MODEL DATA STEPS RANKS JOBS QLAB [keep-checkpoints]")
}
let (runs, model, data, executable) = (arguments[1], arguments[2], arguments[3], arguments[7])
let ranks = arguments[5].split(separator: ",").compactMap { Int($0) }
let experiment = Experiment("tiny-coordinated") {
    Model.path(model, parameters: 435_000)
    QLoRA.paperDefaults.scaled(steps: steps, batchSize: 4, sourceLength: 12, targetLength: 6)
    Fix(\.lora.dropout, 0.1)
    Fix(\.optimizer.learningRate, 1e-3)
    Fix(\.checkpointEvery, 3)
    Fix(\.evalEvery, 4)
    Fix(\.gradientCheckpointing, false)
    Fix(\.data.datasets, [data])
    Axis(\.lora.rank, ranks)
    Evaluate { HeldOutLoss(maxExamples: 8) }
}
do {
    StopSignal.install()
    let runner = try GridRunner(experiment: experiment, runsRoot: runs)
    runner.keepCheckpoints = arguments.count == 9
    let outcome = try runner.run(try runner.plan(), jobs: jobs, cores: jobs, force: false, executable: executable) { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
    var lines: [String] = []
    lines += outcome.succeeded.map { "succeeded \($0)" }
    lines += outcome.failed.map { "failed \($0.cell)" }
    lines += outcome.interrupted.map { "interrupted \($0)" }
    lines += outcome.elsewhere.map { "elsewhere \($0.cell)" }
    lines += outcome.skipped.map { "skipped \($0)" }
    print(lines.joined(separator: "\n"))
    if let signal = outcome.stoppedBy { exit(StopSignal.exitStatus(signal)) }
    exit(outcome.failed.isEmpty && outcome.interrupted.isEmpty ? 0 : 1)
} catch {
    fail("\(error)")
}
