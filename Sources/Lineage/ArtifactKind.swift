/// What an artifact file is.
public enum ArtifactKind: String, Codable, Sendable, CaseIterable {
    case adapter
    case checkpoint
    case log
    case config
    case evaluation
    case report
}
