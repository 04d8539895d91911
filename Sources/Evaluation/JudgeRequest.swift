/// One presentation of two answers to a judge: the prompt, the answer shown first (A) and second (B).
public struct JudgeRequest: Sendable, Hashable, Codable {
    /// The prompt's identifier in its prompt set (human judgments are looked up by it).
    public var promptID: String
    /// The prompt both contestants answered.
    public var prompt: String
    /// The contestant whose answer is shown first.
    public var contestantA: String
    /// The contestant whose answer is shown second.
    public var contestantB: String
    /// The answer shown first.
    public var answerA: String
    /// The answer shown second.
    public var answerB: String
    /// The prompt's reference answer, when it has one.
    public var reference: String?

    /// A request to compare `answerA` (by `contestantA`) with `answerB` (by `contestantB`) on `prompt`.
    public init(promptID: String = "", prompt: String, contestantA: String = "A", contestantB: String = "B",
                answerA: String, answerB: String, reference: String? = nil) {
        self.promptID = promptID
        self.prompt = prompt
        self.contestantA = contestantA
        self.contestantB = contestantB
        self.answerA = answerA
        self.answerB = answerB
        self.reference = reference
    }
}
