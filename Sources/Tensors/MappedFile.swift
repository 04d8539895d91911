#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Support

/// A read-only memory mapping of a whole file; unmapped when the last reference goes.
public final class MappedFile: @unchecked Sendable {
    /// The path that was mapped.
    public let path: String
    /// The mapped bytes (empty for an empty file).
    public let bytes: UnsafeRawBufferPointer

    /// Maps `path` read-only; throws `FileError` when it cannot be opened or mapped.
    public init(path: String) throws {
        self.path = path
        // Non-blocking, so that opening a FIFO returns at once and is refused below instead of waiting for a writer.
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw FileError(path: path, message: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let size = try RegularFile.check(descriptor: fd, path: path)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw FileError(path: path, message: "cannot map \(size) bytes: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
