import Foundation
import Tensors

#if canImport(Glibc)
import Glibc
#endif

/// Float32 optimizer state, in memory or paged: in a memory-mapped file, so that states larger than
/// memory are written back to disk by the kernel instead of ending the run.
public final class StateArray: @unchecked Sendable {
    /// The values.
    public let pointer: UnsafeMutablePointer<Float>
    /// Number of floats.
    public let count: Int
    private let owned: FloatBuffer?
    private let mapping: (base: UnsafeMutableRawPointer, bytes: Int)?
    /// The backing file when paged.
    public let path: String?

    /// Zero-filled state in memory.
    public init(count: Int) {
        let buffer = FloatBuffer(count: count)
        owned = buffer
        pointer = buffer.pointer
        self.count = count
        mapping = nil
        path = nil
    }

    /// Zero-filled state in a file at `path` (created or truncated), mapped shared.
    public init(count: Int, pagedAt path: String) throws {
        let bytes = max(count, 1) * MemoryLayout<Float>.size
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw FileError(path: path, action: "cannot create paged optimizer state", code: errno) }
        defer { close(fd) }
        guard ftruncate(fd, off_t(bytes)) == 0 else {
            throw FileError(path: path, action: "cannot size paged optimizer state to \(bytes) bytes", code: errno)
        }
        // A sparse file would get its blocks when the kernel writes pages back, and a full disk then kills the
        // process with SIGBUS inside the optimizer; allocated now, a full disk is an error here instead.
        let allocated = posix_fallocate(fd, 0, off_t(bytes))
        guard allocated == 0 else {
            throw FileError(path: path, action: "cannot allocate \(bytes) bytes of paged optimizer state", code: allocated)
        }
        guard let base = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), base != MAP_FAILED else {
            throw FileError(path: path, action: "cannot map paged optimizer state", code: errno)
        }
        mapping = (base, bytes)
        pointer = base.bindMemory(to: Float.self, capacity: max(count, 1))
        self.count = count
        owned = nil
        self.path = path
    }

    deinit {
        if let mapping { munmap(mapping.base, mapping.bytes) }
    }

    /// The values as an array (for checkpoints).
    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// Overwrites the values from `values` (restoring a checkpoint).
    public func load(_ values: [Float]) {
        precondition(values.count == count)
        values.withUnsafeBufferPointer { if count > 0 { pointer.update(from: $0.baseAddress!, count: count) } }
    }
}
