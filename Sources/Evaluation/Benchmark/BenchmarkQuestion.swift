/// One multiple-choice question of a benchmark, with where it came from.
public struct BenchmarkQuestion: Sendable, Equatable {
    /// The subject, as the prompt's header names it (the file's name, underscores as spaces).
    public var subject: String
    /// The 0-based row of the question in its file (header excluded).
    public var index: Int
    /// The question's text.
    public var question: String
    /// The options, lettered A, B, C, … in this order.
    public var choices: [String]
    /// The index of the right option.
    public var answer: Int
    /// The file and line the question starts on.
    public var path: String
    public var line: Int

    public init(subject: String, index: Int, question: String, choices: [String], answer: Int, path: String, line: Int) {
        self.subject = subject
        self.index = index
        self.question = question
        self.choices = choices
        self.answer = answer
        self.path = path
        self.line = line
    }

    /// The option letters a question may use.
    public static let letters = Array("ABCDEFGHIJ").map(String.init)
}
