/// Why a battles file could not be read.
public enum BattleFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or is not UTF-8 text.
    case unreadable(file: String, reason: String)
    /// A line is not a battle; `line` counts from 1.
    case malformedLine(file: String, line: Int, reason: String)

    /// A one-line message for the person who supplied the input.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): \(reason)"
        case .malformedLine(let file, let line, let reason): "\(file):\(line): \(reason)"
        }
    }
}
