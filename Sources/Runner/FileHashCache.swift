import Foundation
import Support
import Tensors

#if canImport(Glibc)
import Glibc
#endif

/// SHA-256 of files remembered by path, size, modification time and inode, so that `qlab plan` does not read a
/// 100 MB model again while it is unchanged. Any change of the four (an edit, a copy over it, a `touch`) hashes
/// the file afresh.
final class FileHashCache: @unchecked Sendable {
    struct Entry: Codable, Equatable {
        var size: Int64
        var modifiedSeconds: Int64
        var modifiedNanoseconds: Int64
        var inode: UInt64
        var sha256: String
    }

    let path: String
    private var entries: [String: Entry]
    private var changed = false

    /// The cache in `directory` (`file-hashes.json`); an unreadable file is an empty cache.
    init(directory: String) {
        path = directory + "/file-hashes.json"
        entries = FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode([String: Entry].self, from: $0) } ?? [:]
    }

    /// The cache in the machine's qlab cache folder (`CacheDirectory`).
    static func standard() -> FileHashCache {
        FileHashCache(directory: CacheDirectory.path())
    }

    /// The identity of the file at `path` now, or nil when it cannot be stat'ed.
    static func identity(_ path: String) -> (key: String, size: Int64, seconds: Int64, nanoseconds: Int64, inode: UInt64)? {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return (absolute, Int64(s.st_size), Int64(s.st_mtim.tv_sec), Int64(s.st_mtim.tv_nsec), UInt64(s.st_ino))
    }

    /// The hash of `path`, from the cache when its identity is unchanged, else computed by `compute` and remembered.
    func hash(_ path: String, compute: () throws -> String) throws -> String {
        guard let id = Self.identity(path) else { return try compute() }
        if let e = entries[id.key], e.size == id.size, e.modifiedSeconds == id.seconds,
           e.modifiedNanoseconds == id.nanoseconds, e.inode == id.inode {
            Diagnostics.debug("input hash of \(id.key) from the cache (same size, modification time and inode)")
            return e.sha256
        }
        Diagnostics.debug("hashing \(id.key): \(entries[id.key] == nil ? "not in the cache" : "changed since it was cached")")
        let digest = try compute()
        // A file modified while it was read would be remembered under a hash of mixed content: check again.
        if let after = Self.identity(path), after.size == id.size, after.seconds == id.seconds, after.nanoseconds == id.nanoseconds {
            entries[id.key] = Entry(size: id.size, modifiedSeconds: id.seconds, modifiedNanoseconds: id.nanoseconds, inode: id.inode, sha256: digest)
            changed = true
        }
        return digest
    }

    /// Writes the cache when something was added; failing to write only costs a re-hash next time.
    func save() {
        guard changed else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(entries) else { return }
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? AtomicFile.write(Array(data), to: path)
        changed = false
    }
}
