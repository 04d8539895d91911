import Support
import ArgumentParser
import Foundation
import Tensors

#if !os(Linux)
#error("qlora-lab runs on Linux only: it relies on /proc, glibc, flock and Linux's OpenBLAS packages")
#endif

@main
struct QLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qlab",
        abstract: "QLoRA experiments: quantize, train and compare on one machine.",
        discussion: """
            Global options, accepted by every command anywhere on its command line:
              --verbose          Diagnostics on stderr (or QLAB_LOG_LEVEL=debug).
              --blas-core NAME   The OpenBLAS kernel (e.g. Haswell), auto or default.
              --matmul NAME      The matrix-product backend: auto (the default: the faster here), openblas or onednn.
              --version          The version, the checkout's commit and the kernel chosen.

            `qlab plan` without a name lists the experiments.
            Shell completion: `qlab completion bash|zsh|fish` (see the README).
            """,
        subcommands: [
            QuantizeCommand.self,
            TrainCommand.self,
            EvalCommand.self,
            GenerateCommand.self,
            MergeCommand.self,
            EloCommand.self,
            JudgesCommand.self,
            DataCommand.self,
            PlanCommand.self,
            RunCommand.self,
            CancelCommand.self,
            RerunCommand.self,
            TournamentCommand.self,
            ShowCommand.self,
            RunsCommand.self,
            LineageCommand.self,
            ExportCommand.self,
            ImportCommand.self,
            IngestCommand.self,
            RemoveCommand.self,
            CellCommand.self,
            ReportCommand.self,
            BLASCommand.self,
            CompletionCommand.self,
        ]
    )

    /// Reads `--verbose`, chooses and checks the BLAS kernel before anything else runs (OpenBLAS reads its kernel
    /// setting only when it loads, so a better kernel means executing again), then the matmul backend (`--matmul`
    /// or `QLAB_MATMUL`), then parses the command line.
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let override: String?
        do {
            try VerboseArgument.apply(verbose: VerboseArgument.extract(from: &arguments))
            override = try BLASCoreArgument.extract(from: &arguments)
            let matmul = try MatmulArgument.extract(from: &arguments)
            try BLASKernel.select(override: override) { line in
                StandardError.write(Data((line + "\n").utf8))
            }
            // After the kernel (the backends are measured on it); a value given here reaches qlab's own workers.
            if let matmul { setenv(MatmulBackend.variable, matmul, 1) }
            let requested = matmul ?? ProcessInfo.processInfo.environment[MatmulBackend.variable].flatMap { $0.isEmpty ? nil : $0 }
            let selection = try MatmulSelection.select(request: requested) { line in
                StandardError.write(Data((line + "\n").utf8))
            }
            if let environment = MatmulSelection.threadEnvironment(backend: selection.backend,
                                                                     environment: ProcessInfo.processInfo.environment) {
                try MatmulSelection.executeAgain(environment: environment)
            }
        } catch {
            StandardError.write(Data("qlab: error: \(error)\n".utf8))
            Foundation.exit(2)
        }
        // Answered here rather than by the parser: it names the kernel just chosen and the checkout's commit.
        if arguments == ["--version"] {
            print(VersionText.render())
            Foundation.exit(0)
        }
        runPresentingErrors(arguments)
    }
}
