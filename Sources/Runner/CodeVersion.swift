import Foundation
import Support

/// The code a run was made with: the git commit of the working directory and whether it had changes.
public struct CodeVersion: Sendable, Equatable {
    /// The commit hash, or nil outside a git checkout.
    public var commit: String?
    /// Whether tracked files differed from the commit, outside the `reports/` pages qlab writes itself (a
    /// report regenerated in the checkout while cells run does not change the code they run).
    public var dirty: Bool?

    /// Reads the version of the checkout around `directory` (nil fields when git or the checkout is absent).
    public static func current(directory: String = FileManager.default.currentDirectoryPath) -> CodeVersion {
        guard let commit = git(["rev-parse", "HEAD"], in: directory)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !commit.isEmpty else { return CodeVersion(commit: nil, dirty: nil) }
        let status = git(["status", "--porcelain", "--untracked-files=no", "--", ":(top)", ":(top,exclude)reports"], in: directory) ?? ""
        return CodeVersion(commit: commit, dirty: !status.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }

    /// What `git -C directory ARGUMENTS` printed, or nil when git is missing or fails (not a checkout).
    private static func git(_ arguments: [String], in directory: String) -> String? {
        guard let git = ProgramSearch.find("git") else { return nil }
        var program = ExternalProgram(git, ["-C", directory] + arguments)
        // A git waiting on a lock or a slow file system must not hold up a cell's start indefinitely.
        program.timeout = .seconds(60)
        guard let result = try? program.run(), result.termination == .exited(0) else { return nil }
        return result.output
    }
}
