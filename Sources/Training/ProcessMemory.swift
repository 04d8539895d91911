import Foundation

/// Resident memory of this process, from /proc.
public enum ProcessMemory {
    /// Current resident set size in MiB (0 where /proc is unavailable).
    public static func residentMiB() -> Double { field("VmRSS:") }
    /// Peak resident set size in MiB.
    public static func peakMiB() -> Double { field("VmHWM:") }

    private static func field(_ name: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kb = Double(parts[1]) { return kb / 1024 }
        }
        return 0
    }
}
