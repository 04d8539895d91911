/// Greedy generation on questions with one checkable answer; the score is the fraction answered exactly.
public struct ExactAnswers: Codable, Sendable, Equatable, Hashable, EvaluationComponent {
    /// The kind of question, as the generated tasks label them.
    public var task: TaskName
    /// The dataset whose held-out questions are asked (a cell reads it, so it counts towards the cell's id).
    public var dataset: String
    /// Questions asked.
    public var examples: Int
    /// Longest answer generated, in tokens.
    public var maxNewTokens: Int

    /// `examples` questions of kind `task` from `dataset`'s held-out split, answers of at most `maxNewTokens` tokens.
    public init(_ task: TaskName, from dataset: String = "tasks-en", examples: Int = 200, maxNewTokens: Int = 32) {
        self.task = task
        self.dataset = dataset
        self.examples = examples
        self.maxNewTokens = maxNewTokens
    }

    public func add(to settings: inout EvaluationSettings) { settings.exactAnswers.append(self) }

    /// A kind of generated question; open-ended so that a new kind needs no change here.
    public struct TaskName: RawRepresentable, Codable, Sendable, Equatable, Hashable, ExpressibleByStringLiteral {
        /// The name in the dataset's `task` field.
        public let rawValue: String
        /// The kind named `rawValue`.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The kind named by a literal.
        public init(stringLiteral value: String) { rawValue = value }

        /// Sums and differences (`Dataset.tasks`).
        public static let arithmetic = TaskName(rawValue: "arithmetic")
        /// Repeating a given text.
        public static let copy = TaskName(rawValue: "copy")
        /// Putting items in order.
        public static let order = TaskName(rawValue: "order")
    }
}
