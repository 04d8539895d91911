import ExperimentSpec
import Foundation
import Support

/// The content hashes of the files a run's data settings read: part of a cell's identity, so that changed
/// data means a new cell.
public enum DatasetIdentity {
    /// One file a setting reads.
    public struct FileHash: Sendable, Equatable, Codable, Hashable {
        /// The dataset name as the settings gave it.
        public var dataset: String
        /// "train" or "eval".
        public var role: String
        /// SHA-256 of the file's bytes.
        public var sha256: String
    }

    /// SHA-256 of the file at `path` (lower-case hex), read in 1 MiB chunks.
    public static func sha256(file path: String) throws(DataError) -> String {
        do { try RegularFile.check(path) } catch { throw .unreadable(path: path, reason: error.message) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable(path: path, reason: "cannot open for hashing") }
        defer { try? handle.close() }
        var hash = SHA256()
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw .unreadable(path: path, reason: "read failed: \(error)")
            }
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { hash.update($0) }
        }
        return SHA256.hex(hash.finalize())
    }

    /// The hashes of every file `settings.datasets` resolves to, in the settings' order.
    public static func hashes(of settings: DataSettings, catalog: DatasetCatalog) throws(DataError) -> [FileHash] {
        var out: [FileHash] = []
        for name in settings.datasets {
            let source = try catalog.resolve(name)
            for (role, hash) in zip(["train", "eval"], source.hashes) {
                out.append(FileHash(dataset: name, role: role, sha256: hash))
            }
        }
        return out
    }
}
