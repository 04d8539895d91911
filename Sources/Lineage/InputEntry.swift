/// An input file as `run.json` lists it.
public struct InputEntry: Codable, Sendable, Equatable {
    /// Why the run read it.
    public var role: InputRole
    /// Where it was read from (as the run saw it).
    public var path: String
    /// SHA-256 of the contents, lowercase hex.
    public var sha256: String

    /// An entry.
    public init(role: InputRole, path: String, sha256: String) {
        self.role = role
        self.path = path
        self.sha256 = sha256
    }
}
