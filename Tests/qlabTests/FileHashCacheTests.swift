import ExperimentSpec
import Foundation
import Testing
@testable import Runner

/// Input hashes are remembered by path, size, modification time and inode, and recomputed when any changes.
struct FileHashCacheTests {
    @Test func anUnchangedFileIsNotReadAgainAndAChangedOneIs() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-hash-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/model.bin"
        try Data("first content".utf8).write(to: URL(fileURLWithPath: file))
        let cache = FileHashCache(directory: dir + "/cache")
        var reads = 0
        let compute = { () throws -> String in reads += 1; return try InputHashes.hash(path: file) }
        let first = try cache.hash(file, compute: compute)
        #expect(first == SHA256.hexDigest("first content".utf8))
        #expect(try cache.hash(file, compute: compute) == first)
        #expect(reads == 1)
        cache.save()
        // A new cache object reads the saved entries: still no read of the file.
        let reloaded = FileHashCache(directory: dir + "/cache")
        #expect(try reloaded.hash(file, compute: compute) == first)
        #expect(reads == 1)

        // Same size, new content and a new modification time: hashed again.
        try Data("other content".utf8).write(to: URL(fileURLWithPath: file))
        let later = Date().addingTimeInterval(5)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: file)
        let second = try reloaded.hash(file, compute: compute)
        #expect(reads == 2)
        #expect(second == SHA256.hexDigest("other content".utf8))

        // Replaced by another file (new inode) with the old modification time restored: hashed again.
        let replacement = dir + "/replacement.bin"
        try Data("third content".utf8).write(to: URL(fileURLWithPath: replacement))
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: replacement)
        try FileManager.default.removeItem(atPath: file)
        try FileManager.default.moveItem(atPath: replacement, toPath: file)
        #expect(try reloaded.hash(file, compute: compute) == SHA256.hexDigest("third content".utf8))
        #expect(reads == 3)
    }
}
