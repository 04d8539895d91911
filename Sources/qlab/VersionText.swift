import Foundation
import Runner
import Tensors

/// What `qlab --version` prints: the version, the checkout the binary was built in and its commit, and the BLAS
/// kernel this process chose (the one a command would use).
enum VersionText {
    /// The tool's version.
    static let version = "0.3.0"

    /// The text, one fact a line.
    static func render(executable: String = currentExecutable()) -> String {
        var lines = ["qlab \(version)"]
        if let checkout = checkout(of: executable) {
            let code = CodeVersion.current(directory: checkout)
            let commit = code.commit.map { $0 + (code.dirty == true ? " (with uncommitted changes)" : "") } ?? "unknown (not a git checkout)"
            lines.append("built in:    \(checkout)")
            lines.append("commit:      \(commit)")
        } else {
            lines.append("built in:    unknown (\(executable) is not inside a qlora-lab checkout)")
        }
        let kernel = BLASKernel.current
        lines.append("BLAS kernel: \(kernel.core), \(kernel.source.explanation)")
        lines.append("matmul:      \(MatmulSelection.current.summary)")
        lines.append("platform:    Linux only")
        return lines.joined(separator: "\n")
    }

    /// The folder above `executable` that holds the package (`.build/<config>/qlab` sits two or three levels
    /// below it), or nil.
    static func checkout(of executable: String) -> String? {
        var url = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            url = url.deletingLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
               FileManager.default.fileExists(atPath: url.appendingPathComponent("Experiments").path) {
                return url.path
            }
        }
        return nil
    }
}
