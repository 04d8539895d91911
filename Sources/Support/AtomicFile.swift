#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes whole files durably and atomically: readers see the old content or the new one, never a mix, and
/// once `write` returns the new content survives a crash or a power cut.
///
/// The bytes go to a temporary file beside the target, which is flushed (`fsync`) and renamed over it; then
/// the directory is flushed too, since the rename lives in the directory and is lost with it otherwise.
/// Every file a coordinator ingests from a cell directory, and every report, is written this way.
public enum AtomicFile {
    /// Writes `bytes` to `path`.
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws {
        try write(to: path) { fd in
            let data = Array(bytes)
            try data.withUnsafeBytes { try writeAll(fd: fd, $0, path: path) }
        }
    }

    /// Writes `text` as UTF-8 to `path`.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Writes through `body`, which receives a file descriptor of the temporary file; renames on success.
    public static func write(to path: String, _ body: (Int32) throws -> Void) throws {
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var template = Array("\(directory.isEmpty ? "/" : directory)/.\(name).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw FileError(path: path, action: "cannot create a temporary file in \(directory)", code: errno)
        }
        let temporary = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        var open = true
        do {
            // mkstemp makes the file owner-only; the result gets the mode any new file of the user gets (or the
            // mode of the file it replaces), like the charts and folders beside it.
            var existing = stat()
            let mode = stat(path, &existing) == 0 ? existing.st_mode & 0o7777 : 0o666 & ~Self.creationMask
            guard fchmod(fd, mode) == 0 else { throw FileError(path: path, action: "cannot set the mode of its temporary file", code: errno) }
            try body(fd)
            guard fsync(fd) == 0 else { throw FileError(path: path, action: "fsync failed", code: errno) }
            close(fd)
            open = false
            try observer?.see(.flushedTemporary(temporary, for: path))
            guard rename(temporary, path) == 0 else {
                throw FileError(path: path, action: "cannot rename into place", code: errno)
            }
        } catch {
            if open { close(fd) }
            unlink(temporary)
            throw error
        }
        try observer?.see(.renamed(temporary, to: path))
        try syncDirectory(directory.isEmpty ? "/" : directory, for: path)
    }

    /// The process's file-creation mask, read without changing it (`umask` can only be read by setting it, which
    /// would race with other threads creating files); 022 when the kernel does not report it.
    static let creationMask: mode_t = {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
              let mask = mode_t(line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8) else { return 0o022 }
        return mask
    }()

    /// Flushes to disk a whole file that another program wrote (a chart gnuplot drew), so that it is as durable
    /// as the files written here before a rename publishes it.
    public static func flush(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, action: "cannot open it to flush it", code: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FileError(path: path, action: "fsync failed", code: errno) }
        try observer?.see(.flushedFile(path))
    }

    /// Flushes a directory's entries (a rename or a new file in it) to disk.
    public static func syncDirectory(_ directory: String, for path: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, action: "cannot open its directory to flush it", code: errno) }
        defer { close(fd) }
        // Some file systems cannot flush a directory (EINVAL); there is nothing more to do on them.
        if fsync(fd) != 0, errno != EINVAL {
            throw FileError(path: path, action: "flushing its directory failed", code: errno)
        }
        try observer?.see(.flushedDirectory(directory))
    }

    /// Writes every byte of `buffer` to `fd`, retrying short writes.
    public static func writeAll(fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < buffer.count {
            #if canImport(Glibc)
            let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            #else
            let n = Darwin.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            #endif
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, action: "write failed", code: errno)
            }
            offset += n
        }
    }
}

extension AtomicFile {
    /// One durable step of a write, as `observer` is told of it once the step is done.
    public enum Step: Sendable, Equatable {
        /// The new content is complete in `temporary` and flushed to disk; the target `path` is untouched.
        case flushedTemporary(String, for: String)
        /// The temporary file took the target's name: readers now see the new content.
        case renamed(String, to: String)
        /// The directory's entries (a rename in it) were flushed to disk.
        case flushedDirectory(String)
        /// A file written by another program was flushed to disk in place.
        case flushedFile(String)
    }

    /// Sees the steps of writes: a test's window on which files were made durable and how.
    public struct Observer: Sendable {
        /// Called after each step; a throw makes the step fail, to show what a failure there leaves behind.
        public let see: @Sendable (Step) throws -> Void

        /// An observer calling `see`.
        public init(_ see: @escaping @Sendable (Step) throws -> Void) {
            self.see = see
        }
    }

    // A struct, not the bare closure: a task-local holding an optional closure crashes Swift 6.3's runtime on
    // Linux when a value is bound.
    /// Told of every step of the writes made in the current task; nil, and then free, outside tests.
    @TaskLocal public static var observer: Observer? = nil
}
