import Foundation
import Support
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The one durable writer: the new bytes go to a temporary file beside the target, are flushed, take the
/// target's name, and the directory is flushed after; a failure at any point leaves the old file whole.
struct AtomicFileTests {
    /// What an observer saw, in order, with what the target and the temporary file held at each step.
    final class Journal: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [(step: AtomicFile.Step, target: String?, temporary: String?)] = []

        var steps: [AtomicFile.Step] { seen.map(\.step) }
        var seen: [(step: AtomicFile.Step, target: String?, temporary: String?)] {
            lock.lock()
            defer { lock.unlock() }
            return entries
        }

        func record(_ step: AtomicFile.Step) {
            var target: String?, temporary: String?
            if case let .flushedTemporary(t, path) = step {
                temporary = try? String(contentsOfFile: t, encoding: .utf8)
                target = try? String(contentsOfFile: path, encoding: .utf8)
            }
            lock.lock()
            entries.append((step, target, temporary))
            lock.unlock()
        }
    }

    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func inode(_ path: String) throws -> UInt64 {
        try #require((try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? NSNumber)?.uint64Value)
    }

    @Test func aNewFileGetsTheModeOfAnyNewFileAndAReplacedOneKeepsItsOwn() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-mode-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func mode(_ path: String) throws -> Int { (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue }
        // The reference: a file created the ordinary way, under the same umask.
        #expect(FileManager.default.createFile(atPath: folder + "/plain", contents: Data("x".utf8)))
        try AtomicFile.write("report", to: folder + "/atomic.md")
        #expect(try mode(folder + "/atomic.md") == (try mode(folder + "/plain")), "not owner-only unless every new file is")
        // Replacing a file keeps the mode someone gave it.
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: folder + "/atomic.md")
        try AtomicFile.write("report, again", to: folder + "/atomic.md")
        #expect(try mode(folder + "/atomic.md") == 0o640)
        #expect(try String(contentsOfFile: folder + "/atomic.md", encoding: .utf8) == "report, again")
    }

    @Test func aWriteIsFlushedBeforeItIsRenamedAndTheDirectoryIsFlushedAfter() async throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/run.json"
        try AtomicFile.write("old", to: path)
        let before = try Self.inode(path)
        let journal = Journal()
        try await AtomicFile.$observer.withValue(AtomicFile.Observer { journal.record($0) }) {
            try AtomicFile.write("new", to: path)
        }
        let seen = journal.seen
        try #require(seen.count == 3, "\(journal.steps)")
        guard case let .flushedTemporary(temporary, target) = seen[0].step else {
            Issue.record("the first step is not the flushed temporary file: \(journal.steps)")
            return
        }
        #expect(target == path)
        #expect(temporary.hasPrefix(dir + "/.run.json.tmp-"), "the temporary file sits beside the target: \(temporary)")
        // Flushed complete while the target still held the old bytes: a reader never saw a half-written file.
        #expect(seen[0].temporary == "new" && seen[0].target == "old")
        #expect(seen[1].step == .renamed(temporary, to: path))
        #expect(seen[2].step == .flushedDirectory(dir))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
        #expect(try Self.inode(path) != before, "the file was replaced by another, not rewritten in place")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["run.json"], "no temporary file is left")
    }

    /// A crash between the write and the rename, as a test can make one: the old file stays, whole, and the
    /// temporary file is gone.
    @Test func aFailureBeforeTheRenameLeavesTheOldFileAndNoTemporary() async throws {
        struct Injected: Error {}
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/metrics.json"
        try AtomicFile.write("{\"loss\": 1}", to: path)
        let failing = AtomicFile.Observer { step in
            if case .flushedTemporary = step { throw Injected() }
        }
        await #expect(throws: Injected.self) {
            try await AtomicFile.$observer.withValue(failing) { try AtomicFile.write("{\"loss\": 2}", to: path) }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"loss\": 1}")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["metrics.json"])

        // The same when the writer itself fails half-way through its bytes.
        #expect(throws: FileError.self) {
            try AtomicFile.write(to: path) { fd in
                try [UInt8]("{\"lo".utf8).withUnsafeBytes { try AtomicFile.writeAll(fd: fd, $0, path: path) }
                throw FileError(path: path, message: "the writer failed")
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"loss\": 1}")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["metrics.json"])
    }

    @Test func aFileAnotherProgramWroteIsFlushedInPlace() async throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/chart.svg"
        try Data("<svg/>".utf8).write(to: URL(fileURLWithPath: path))
        let steps = try await AtomicFile.recordingSteps { try AtomicFile.flush(path) }
        #expect(steps == [.flushedFile(path)])
        do {
            try AtomicFile.flush(dir + "/missing.svg")
            Issue.record("flushing a missing file succeeded")
        } catch let error as FileError {
            #expect("\(error)".hasPrefix(dir + "/missing.svg: "), "\(error)")
        }
    }

    /// Where the directory is gone, the error names the file that could not be written.
    @Test func aWriteIntoAMissingDirectoryNamesTheFile() {
        let path = "/nonexistent-\(UUID().uuidString)/run.json"
        do {
            try AtomicFile.write("x", to: path)
            Issue.record("a write into a missing directory succeeded")
        } catch let error as FileError {
            #expect(error.path == path && error.code == ENOENT, "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
