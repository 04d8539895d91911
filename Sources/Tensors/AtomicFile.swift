#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes whole files so that readers see either the old content or the new one, never a mix.
public enum AtomicFile {
    /// Writes `bytes` to a temporary file beside `path`, flushes it to disk, then renames it over `path`.
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws {
        try write(to: path) { fd in
            let data = Array(bytes)
            try data.withUnsafeBytes { try writeAll(fd: fd, $0, path: path) }
        }
    }

    /// Writes through `body`, which receives a file descriptor of the temporary file; renames on success.
    public static func write(to path: String, _ body: (Int32) throws -> Void) throws {
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var template = Array("\(directory.isEmpty ? "/" : directory)/.\(name).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw FileError(path: path, message: "cannot create a temporary file in \(directory): \(String(cString: strerror(errno)))")
        }
        let temporary = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        var open = true
        do {
            try body(fd)
            guard fsync(fd) == 0 else { throw FileError(path: path, message: "fsync failed: \(String(cString: strerror(errno)))") }
            close(fd)
            open = false
            guard rename(temporary, path) == 0 else {
                throw FileError(path: path, message: "cannot rename into place: \(String(cString: strerror(errno)))")
            }
        } catch {
            if open { close(fd) }
            unlink(temporary)
            throw error
        }
    }

    /// Writes every byte of `buffer` to `fd`, retrying short writes.
    public static func writeAll(fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < buffer.count {
            let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, message: "write failed: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }
}
