/// One turn of a conversation, as a chat template renders it.
public struct ChatMessage: Sendable, Hashable, Codable {
    /// Who speaks: "system", "user", "assistant", or another role the model knows.
    public var role: String
    /// What they say.
    public var content: String

    /// A message from `role` saying `content`.
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}
