import Foundation

/// The code a run was made with: the git commit of the working directory and whether it had changes.
public struct CodeVersion: Sendable, Equatable {
    /// The commit hash, or nil outside a git checkout.
    public var commit: String?
    /// Whether tracked files differed from the commit.
    public var dirty: Bool?

    /// Reads the version of the checkout around `directory` (nil fields when git or the checkout is absent).
    public static func current(directory: String = FileManager.default.currentDirectoryPath) -> CodeVersion {
        guard let commit = git(["rev-parse", "HEAD"], in: directory)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !commit.isEmpty else { return CodeVersion(commit: nil, dirty: nil) }
        let status = git(["status", "--porcelain", "--untracked-files=no"], in: directory) ?? ""
        return CodeVersion(commit: commit, dirty: !status.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }

    private static func git(_ arguments: [String], in directory: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
