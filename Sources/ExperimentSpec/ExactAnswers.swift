/// Greedy generation on a task with one checkable answer per question; the score is the fraction answered exactly.
public struct ExactAnswers: Codable, Sendable, Equatable, Hashable, EvaluationComponent {
    /// The task, by the name the data code resolves.
    public var task: TaskName
    /// Questions asked (drawn from the task's held-out questions).
    public var examples: Int
    /// Longest answer generated, in tokens.
    public var maxNewTokens: Int

    /// `examples` questions of `task`, answers of at most `maxNewTokens` tokens.
    public init(_ task: TaskName, examples: Int = 200, maxNewTokens: Int = 32) {
        self.task = task
        self.examples = examples
        self.maxNewTokens = maxNewTokens
    }

    public func add(to settings: inout EvaluationSettings) { settings.exactAnswers.append(self) }

    /// A task name; open-ended so that a new task needs no change here.
    public struct TaskName: RawRepresentable, Codable, Sendable, Equatable, Hashable, ExpressibleByStringLiteral {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { rawValue = value }

        /// The generated arithmetic questions (the same generator as `Dataset.arithmetic`).
        public static let arithmetic = TaskName(rawValue: "tasks-arithmetic")
    }
}
