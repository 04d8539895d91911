import Foundation
import GRDB

/// A file a run produced.
public struct ArtifactRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "artifacts"

    /// The file's path (absolute when ingested from a cell directory).
    public var path: String
    /// What the file is.
    public var kind: ArtifactKind
    /// SHA-256 of the contents, lowercase hex.
    public var sha256: String
    /// Size in bytes.
    public var bytes: Int64
    /// The run that wrote it.
    public var run: String

    /// A record.
    public init(path: String, kind: ArtifactKind, sha256: String, bytes: Int64, run: String) {
        self.path = path
        self.kind = kind
        self.sha256 = sha256
        self.bytes = bytes
        self.run = run
    }
}
