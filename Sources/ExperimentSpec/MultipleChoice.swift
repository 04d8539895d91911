/// Multiple-choice questions scored as the QLoRA paper scores MMLU: the model reads the question and its
/// lettered options, and its answer is the option letter with the highest next-token logit.
public struct MultipleChoice: Codable, Sendable, Equatable, Hashable, EvaluationComponent {
    /// A dataset of `{"question", "choices": [...], "answer": index or letter}` lines (a name or a path).
    public var dataset: String
    /// Questions asked (0: all).
    public var examples: Int

    /// The first `examples` questions of `dataset`.
    public init(_ dataset: String, examples: Int = 0) {
        self.dataset = dataset
        self.examples = examples
    }

    public func add(to settings: inout EvaluationSettings) { settings.multipleChoice.append(self) }
}
