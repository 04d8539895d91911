import ExperimentSpec

/// The content hashes of the files a run's data settings read: part of a cell's identity, so that changed
/// data means a new cell.
public enum DatasetIdentity {
    /// One file a setting reads.
    public struct FileHash: Sendable, Equatable, Codable, Hashable {
        /// The dataset name as the settings gave it.
        public var dataset: String
        /// "train" or "eval".
        public var role: String
        /// SHA-256 of the file's bytes.
        public var sha256: String
    }

    /// The hashes of every file `settings.datasets` resolves to, in the settings' order.
    public static func hashes(of settings: DataSettings, catalog: DatasetCatalog) throws(DataError) -> [FileHash] {
        var out: [FileHash] = []
        for name in settings.datasets {
            let source = try catalog.resolve(name)
            for (role, hash) in zip(["train", "eval"], source.hashes) {
                out.append(FileHash(dataset: name, role: role, sha256: hash))
            }
        }
        return out
    }
}
