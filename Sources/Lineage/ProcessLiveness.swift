#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Tells whether the process behind a `running` run still exists.
public enum ProcessLiveness {
    /// This machine's host name as `hostname` prints it (not a DNS name, which needs a resolver).
    public static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return ProcessInfo.processInfo.hostName }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True unless the run's process is on this host and gone; a run on another host, or without a pid,
    /// cannot be checked from here and counts as alive, so it is never marked interrupted by mistake.
    public static func isAliveOnThisHost(_ run: RunRecord) -> Bool {
        guard let pid = run.pid, pid > 0, run.hostname == hostName else { return true }
        if kill(pid, 0) == 0 { return true }
        // EPERM: the process exists but belongs to someone else.
        return errno == EPERM
    }
}
