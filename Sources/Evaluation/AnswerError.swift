/// Why answers could not be scored.
public enum AnswerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Two tasks share an identifier, so answers cannot be matched to them.
    case duplicateTask(id: String)
    /// No answer was given for a task.
    case missingAnswer(taskID: String)
    /// An answer names a task that is not in the set.
    case unknownTask(id: String)

    /// A one-line message for the person who supplied the input.
    public var description: String {
        switch self {
        case .duplicateTask(let id): "task \"\(id)\" appears more than once in the task set"
        case .missingAnswer(let id): "no answer was given for task \"\(id)\""
        case .unknownTask(let id): "an answer was given for task \"\(id)\", which is not in the task set"
        }
    }
}
