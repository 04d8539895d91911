import Foundation

/// Writing to standard error and standard output without dying when they cannot be written.
///
/// Foundation's `FileHandle.write(_:)` traps when the write fails, so a message to a stream on a full disk or
/// to a closed pipe killed the process with SIGILL instead of letting it exit with its own status. These write
/// what they can and go on: the caller still returns its exit code, which is all that is left to say.
public enum StandardError {
    /// Writes `data` to standard error, ignoring a stream that cannot take it.
    public static func write(_ data: Data) {
        try? FileHandle.standardError.write(contentsOf: data)
    }
}

/// See `StandardError`.
public enum StandardOutput {
    /// Writes `data` to standard output, ignoring a stream that cannot take it.
    public static func write(_ data: Data) {
        try? FileHandle.standardOutput.write(contentsOf: data)
    }
}
