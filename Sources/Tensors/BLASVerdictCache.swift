import Foundation
import Support

/// Self-check verdicts per machine and kernel, in a small JSON file, so that a kernel is checked once per machine
/// rather than at every start.
///
/// The key names the host, the processor and the OpenBLAS build: a home directory shared between machines (a
/// cluster) keeps one verdict per node type, and an OpenBLAS upgrade is checked afresh.
public struct BLASVerdictCache: Sendable {
    /// The folder holding `blas-kernels.json`.
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public var path: String { directory + "/blas-kernels.json" }

    /// The cache in the machine's qlab cache folder (`CacheDirectory`).
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> BLASVerdictCache {
        BLASVerdictCache(directory: CacheDirectory.path(environment: environment))
    }

    /// The cache key of `core` on this machine.
    public func key(core: String, features: CPUFeatures) -> String {
        let host = ProcessInfo.processInfo.hostName
        return "\(host) | \(features.vendor) \(features.family)/\(features.modelNumber) \(features.model) | \(BLAS.configuration) | \(core)"
    }

    struct Entry: Codable {
        var passed: Bool
        var worstRatio: Double
        var worstCase: String
        var threads: [Int]
        var checkedAt: String
    }

    private func load() -> [String: Entry] {
        guard let data = FileManager.default.contents(atPath: path),
              let entries = try? JSONDecoder().decode([String: Entry].self, from: data) else { return [:] }
        return entries
    }

    /// The cached verdict for `key`, if any. An unreadable cache is treated as empty: the check runs again.
    public func verdict(_ key: String) -> BLASSelfCheck.Result? {
        guard let e = load()[key] else { return nil }
        return BLASSelfCheck.Result(passed: e.passed, worstRatio: e.worstRatio, worstCase: e.worstCase, threads: e.threads)
    }

    /// Records `result` for `key`. Failing to write (a read-only home) only costs a check at the next start.
    public func record(_ result: BLASSelfCheck.Result, key: String) {
        var entries = load()
        let stamp = ISO8601DateFormatter().string(from: Date())
        entries[key] = Entry(passed: result.passed, worstRatio: result.worstRatio.isFinite ? result.worstRatio : 1e300,
                             worstCase: result.worstCase, threads: result.threads, checkedAt: stamp)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(entries) else { return }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? AtomicFile.write(Array(data), to: path)
    }
}
