import Foundation

/// The per-machine folder where qlab keeps what is expensive to recompute and safe to lose (BLAS self-check
/// verdicts, input-file hashes): `$QLAB_CACHE_DIR`, `$XDG_CACHE_HOME/qlora-lab` or `~/.cache/qlora-lab`.
public enum CacheDirectory {
    /// The variable that names the folder.
    public static let variable = "QLAB_CACHE_DIR"

    /// The folder for `environment` (it may not exist yet).
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let custom = environment[variable], !custom.isEmpty { return custom }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/qlora-lab" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.cache/qlora-lab"
    }
}
