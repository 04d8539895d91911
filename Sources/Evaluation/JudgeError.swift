/// Why a judge could not be made: a bad spec, a missing program or an unreadable judgments file.
public enum JudgeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The spec string is not `reference`, `command:PROG [ARGS]` or `human:FILE`.
    case invalidSpec(spec: String, reason: String)
    /// The command judge's program does not exist or cannot be executed.
    case programNotFound(program: String, reason: String)
    /// A judgments file could not be opened or is not UTF-8 text.
    case unreadableFile(file: String, reason: String)
    /// A line of a judgments file is malformed; `line` counts from 1.
    case malformedLine(file: String, line: Int, reason: String)

    /// A one-line message for the person who supplied the input.
    public var description: String {
        switch self {
        case .invalidSpec(let spec, let reason): "judge \"\(spec)\": \(reason)"
        case .programNotFound(let program, let reason): "judge program \(program): \(reason)"
        case .unreadableFile(let file, let reason): "\(file): \(reason)"
        case .malformedLine(let file, let line, let reason): "\(file):\(line): \(reason)"
        }
    }
}
