/// One question with a single checkable answer (the data code generates arithmetic, copying and ordering
/// questions in English and Chinese).
public struct AnswerTask: Sendable, Hashable, Codable {
    /// A stable identifier, unique within a task set.
    public var id: String
    /// The question as the model sees it.
    public var prompt: String
    /// The one right answer.
    public var reference: String
    /// The kind of question ("arithmetic", "copy", "order", …), used to break accuracy down.
    public var kind: String

    /// A question `id` asking `prompt`, answered exactly by `reference`.
    public init(id: String, prompt: String, reference: String, kind: String = "") {
        self.id = id
        self.prompt = prompt
        self.reference = reference
        self.kind = kind
    }
}
