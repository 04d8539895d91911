import ArgumentParser

/// `qlab completion bash|zsh|fish`: the shell's completion script, generated from the commands themselves so that
/// it never lags behind them.
struct CompletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print a shell completion script (bash, zsh or fish).",
        discussion: """
            bash: qlab completion bash > ~/.local/share/bash-completion/completions/qlab
            zsh:  qlab completion zsh > "${fpath[1]}/_qlab"
            fish: qlab completion fish > ~/.config/fish/completions/qlab.fish
            """
    )

    enum Shell: String, ExpressibleByArgument, CaseIterable {
        case bash, zsh, fish
    }

    @Argument(help: "The shell: bash, zsh or fish.") var shell: Shell

    func run() throws {
        guard let target = CompletionShell(rawValue: shell.rawValue) else {
            throw ValidationError("no completion script for \(shell.rawValue)")
        }
        print(QLab.completionScript(for: target))
    }
}
