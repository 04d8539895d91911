#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that could not be read or written, with the path and the reason.
public struct FileError: Error, CustomStringConvertible, Sendable {
    /// The file concerned.
    public let path: String
    /// What went wrong.
    public let message: String
    /// The system's error number, when the failure came from a system call.
    public let code: Int32?

    /// An error about `path`.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
        self.code = nil
    }

    /// A failed system call on `path` while doing `action` (e.g. "write failed"), from its error number.
    public init(path: String, action: String, code: Int32) {
        self.path = path
        self.code = code
        self.message = "\(action): \(String(cString: strerror(code)))"
    }

    /// True when the disk (or the quota) is full: no retry helps until space is freed.
    public var isOutOfSpace: Bool { code == ENOSPC || code == EDQUOT }

    public var description: String {
        isOutOfSpace ? "no space left on device writing \(path)" : "\(path): \(message)"
    }
}
