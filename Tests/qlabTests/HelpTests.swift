import ExperimentSpec
import Foundation
import Testing

/// What `--help` tells: the global options, the defaults of `train`'s flags, and shell completion.
struct HelpTests {
    /// Help wraps lines: whitespace runs folded to one space.
    private func words(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }

    @Test func theRootHelpListsTheGlobalOptionsAndCompletion() throws {
        let help = try CLI.run(["--help"])
        #expect(help.status == 0, "\(help.stderr)")
        let text = words(help.stdout)
        #expect(text.contains("--verbose Diagnostics on stderr"), "\(text)")
        #expect(text.contains("--blas-core NAME The OpenBLAS kernel"), "\(text)")
        #expect(text.contains("`qlab plan` without a name lists the experiments"))
        #expect(text.contains("completion Print a shell completion script"), "\(text)")
    }

    @Test func trainHelpShowsTheDefaultOfEverySettingFlag() throws {
        let help = try CLI.run(["train", "--help"])
        #expect(help.status == 0, "\(help.stderr)")
        let text = words(help.stdout)
        let defaults = TrainingConfig()
        #expect(text.contains("LoRA rank r. (default: \(defaults.lora.rank))"), "\(text)")
        #expect(text.contains("Optimizer steps. (default: \(defaults.steps))"))
        #expect(text.contains("Peak learning rate. (default: \(defaults.optimizer.learningRate))"))
        #expect(text.contains("Frozen-weight storage: nf4, fp4, int4 or none. (default: \(defaults.model.quantization.rawValue))"))
        #expect(text.contains("Examples per optimizer step. (default: \(defaults.batchSize))"))
        #expect(text.contains("Longest source (prompt) in tokens, BOS included. (default: \(defaults.data.sourceMaxLength))"))
        // Every option and flag that sets a value says its default (the paths and switches excepted).
        #expect(text.components(separatedBy: "(default: ").count - 1 >= 30, "\(text)")
    }

    @Test func completionPrintsEachShellsScript() throws {
        for shell in ["bash", "zsh", "fish"] {
            let result = try CLI.run(["completion", shell])
            #expect(result.status == 0, "\(shell): \(result.stderr)")
            #expect(result.stdout.contains("qlab") && result.stdout.contains("train"), "\(shell)")
        }
        #expect(try CLI.run(["completion", "zsh"]).stdout.hasPrefix("#compdef qlab"))
        #expect(try CLI.run(["completion", "tcsh"]).status == 64)
    }
}
