/// One element of `artifacts.json`: a file the run wrote.
public struct ArtifactEntry: Codable, Sendable, Equatable {
    /// The file's path, relative to the cell directory (so the directory can move between machines).
    public var path: String
    /// What the file is.
    public var kind: ArtifactKind
    /// SHA-256 of the contents, lowercase hex.
    public var sha256: String
    /// Size in bytes; when absent, `ingest` takes the size of the file on disk.
    public var bytes: Int64?

    /// An entry.
    public init(path: String, kind: ArtifactKind, sha256: String, bytes: Int64? = nil) {
        self.path = path
        self.kind = kind
        self.sha256 = sha256
        self.bytes = bytes
    }
}
