import Foundation
import Logging

/// qlab's diagnostic messages (which BLAS kernel was chosen and why, hash-cache hits, programs started, Slurm
/// polling): written to stderr only when `QLAB_LOG_LEVEL` asks for them, which is what `qlab --verbose` sets.
/// The normal output of a command never goes through here.
public enum Diagnostics {
    /// The variable that sets the level: trace, debug, info, notice, warning, error or critical.
    public static let variable = "QLAB_LOG_LEVEL"

    /// The level when the variable is unset: above every diagnostic, so that nothing is written.
    public static let quietLevel = Logger.Level.notice

    /// The level `environment` asks for; unset or empty is `quietLevel`.
    public static func level(environment: [String: String] = ProcessInfo.processInfo.environment) throws(DiagnosticsError) -> Logger.Level {
        guard let text = environment[variable], !text.isEmpty else { return quietLevel }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw DiagnosticsError(value: text)
        }
        return level
    }

    /// The logger, reading the level once, at its first use. It writes to stderr through its own handler rather
    /// than the process-wide logging bootstrap, so that a library test or another host of these modules is
    /// silent unless it sets the variable too.
    public static let logger: Logger = {
        var logger = Logger(label: "qlab", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = (try? level()) ?? quietLevel
        return logger
    }()

    /// A detail worth seeing only when looking into how qlab ran (a program started, a poll).
    public static func debug(_ message: @autoclosure () -> String,
                             file: String = #fileID, function: String = #function, line: UInt = #line) {
        logger.debug("\(message())", file: file, function: function, line: line)
    }

    /// A decision qlab took on its own (a kernel chosen, a cached result used).
    public static func info(_ message: @autoclosure () -> String,
                            file: String = #fileID, function: String = #function, line: UInt = #line) {
        logger.info("\(message())", file: file, function: function, line: line)
    }
}
