import GRDB

/// A file a run read: base model, dataset or initial adapter, by content hash.
public struct InputRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "inputs"

    /// The run that read it.
    public var run: String
    /// Why it was read.
    public var role: InputRole
    /// Where it was read from.
    public var path: String
    /// SHA-256 of the contents, lowercase hex.
    public var sha256: String

    /// A record.
    public init(run: String, role: InputRole, path: String, sha256: String) {
        self.run = run
        self.role = role
        self.path = path
        self.sha256 = sha256
    }
}
