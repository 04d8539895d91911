import Foundation
import Support

/// `--verbose` anywhere on the command line: diagnostics (the BLAS kernel chosen and why, hash-cache hits,
/// programs started, Slurm polls) on stderr. Read before the command is parsed, since the kernel is chosen
/// before any command runs, and removed so that every command accepts it. It sets `QLAB_LOG_LEVEL=debug` in
/// this process's environment, so the worker processes it starts are verbose too.
enum VerboseArgument {
    static let flag = "--verbose"

    /// Whether `--verbose` was given, removing it from `arguments` (not after `--`).
    static func extract(from arguments: inout [String]) -> Bool {
        let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
        let options = arguments[..<end].filter { $0 != flag }
        guard options.count < end else { return false }
        arguments = options + arguments[end...]
        return true
    }

    /// Applies `--verbose` and checks `QLAB_LOG_LEVEL`, before anything logs.
    static func apply(verbose: Bool) throws {
        if verbose { setenv(Diagnostics.variable, "debug", 1) }
        _ = try Diagnostics.level()
    }
}
