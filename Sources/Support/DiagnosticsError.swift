import Logging

/// `QLAB_LOG_LEVEL` names no level.
public struct DiagnosticsError: Error, CustomStringConvertible, Sendable {
    /// What the variable held.
    public let value: String

    public var description: String {
        let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
        return "\(Diagnostics.variable)=\(value) is not a log level; use one of \(names)"
    }
}
