#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The check made before a file a user named is opened for reading: it must be a regular file.
///
/// A character device such as `/dev/zero` never ends, a FIFO blocks `open` until some writer appears, and a
/// directory reads as an error deep inside a parser; refusing them by their type up front turns each into one
/// clear error naming the path.
public enum RegularFile {
    /// Throws unless `path` (symbolic links followed) names a regular file; returns its size in bytes.
    @discardableResult
    public static func check(_ path: String) throws(FileError) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileError(path: path, action: "cannot read", code: errno) }
        try require(info, path: path)
        return Int(info.st_size)
    }

    /// Throws unless the open descriptor `fd` (opened from `path`) is a regular file; returns its size in bytes.
    @discardableResult
    public static func check(descriptor fd: Int32, path: String) throws(FileError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileError(path: path, action: "cannot stat", code: errno) }
        try require(info, path: path)
        return Int(info.st_size)
    }

    private static func require(_ info: stat, path: String) throws(FileError) {
        let kind = info.st_mode & S_IFMT
        guard kind != S_IFREG else { return }
        throw FileError(path: path, message: "is \(describe(kind)), not a regular file (devices, FIFOs and sockets are refused: they may never end or never open)")
    }

    /// The kind of a file as a person would name it, from the `S_IFMT` bits of its mode.
    static func describe(_ kind: mode_t) -> String {
        switch kind {
        case S_IFDIR: "a directory"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "a special file"
        }
    }
}
