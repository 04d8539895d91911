/// A prompt every contestant answers, with its reference answer when it has one.
public struct TournamentPrompt: Sendable, Hashable, Codable {
    /// A stable identifier, unique within the prompt set (human judgments name prompts by it).
    public var id: String
    /// The prompt text.
    public var prompt: String
    /// The right answer, for prompts that have one (the reference judge needs it).
    public var reference: String?

    /// Prompt `id` asking `prompt`, with `reference` when there is one.
    public init(id: String, prompt: String, reference: String? = nil) {
        self.id = id
        self.prompt = prompt
        self.reference = reference
    }

    /// The prompt of a checkable task, its answer as the reference.
    public init(_ task: AnswerTask) {
        self.init(id: task.id, prompt: task.prompt, reference: task.reference)
    }
}
