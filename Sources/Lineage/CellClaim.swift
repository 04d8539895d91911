#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A worker's hold on its cell directory: an exclusive `flock` on `claim.lock` inside it, taken before the
/// run touches anything and kept until the process ends.
///
/// The kernel drops the lock however the process ends (exit, crash, SIGKILL), so a claim can never outlive
/// its worker and never needs cleaning up; two coordinators, or a local run beside a Slurm array, that reach
/// the same cell find out at once instead of training into the same files. The file also names the holder
/// (`pid host`) for the message of the one that backs off. On a network file system, Linux carries `flock`
/// over as a byte-range lock that the server arbitrates, so tasks on other nodes see it too.
public final class CellClaim: Sendable {
    /// The lock file inside a cell directory.
    public static let fileName = "claim.lock"

    /// Who holds a claim, as written into the lock file.
    public struct Holder: Sendable, Equatable, CustomStringConvertible {
        public var pid: Int32
        public var host: String
        public init(pid: Int32, host: String) {
            self.pid = pid
            self.host = host
        }
        public var description: String { "pid \(pid) on \(host)" }
    }

    /// The outcome of trying to claim a cell.
    public enum Attempt: Sendable {
        /// This process holds the cell until it exits (or the claim is released).
        case claimed(CellClaim)
        /// Another live process holds it; its holder when the file names one.
        case heldElsewhere(Holder?)
    }

    private let fd: Int32
    /// The lock file.
    public let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Claims the cell directory `directory` (which must exist) for this process.
    ///
    /// A held lock is tried a few more times over a fraction of a second: `status(of:)` takes the lock for
    /// an instant to look, and a worker starting in that instant must not take that for a running cell.
    public static func take(directory: URL) throws -> Attempt {
        let path = directory.appendingPathComponent(fileName).path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LineageError.fileAccess(path: path, message: String(cString: strerror(errno))) }
        for attempt in 0..<5 {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                let text = "\(getpid()) \(ProcessLiveness.hostName)\n"
                ftruncate(fd, 0)
                _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
                return .claimed(CellClaim(fd: fd, path: path))
            }
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(fd)
                throw LineageError.fileAccess(path: path, message: "flock: \(String(cString: strerror(code)))")
            }
            if attempt < 4 { usleep(100_000) }
        }
        close(fd)
        return .heldElsewhere(readHolder(path))
    }

    /// Whether a cell directory is claimed now.
    public enum Status: Sendable, Equatable {
        /// Nobody holds it (or it has no lock file yet).
        case free
        /// A live process holds it; its holder when the file names one.
        case held(Holder?)
    }

    /// Whether a live process holds the cell directory's claim. Looks by taking the lock for an instant, so
    /// it never waits.
    public static func status(of directory: URL) -> Status {
        let path = directory.appendingPathComponent(fileName).path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .free }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return .free
        }
        return .held(readHolder(path))
    }

    private static func readHolder(_ path: String) -> Holder? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let parts = text.split(whereSeparator: \.isWhitespace)
        guard parts.count >= 2, let pid = Int32(parts[0]) else { return nil }
        return Holder(pid: pid, host: String(parts[1]))
    }
}
