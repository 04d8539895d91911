import Foundation

/// `data/manifest.json`: what `qlab data prepare` produced, from which source, under which licence.
public struct DatasetManifest: Sendable, Equatable, Codable {
    /// One prepared dataset.
    public struct Entry: Sendable, Equatable, Codable {
        /// The short name settings use (e.g. "chatterbot-en").
        public var name: String
        /// The record format of its files.
        public var format: String
        /// Where it came from (package and version).
        public var source: String
        /// The source's licence.
        public var licence: String
        /// One line on what it holds and how it was converted.
        public var description: String
        /// Its files.
        public var files: [File]
        /// Source-side counts (e.g. conversations read, skipped and why).
        public var counts: [String: Int]

        /// An entry of `files` named `name`.
        public init(name: String, format: String, source: String, licence: String, description: String, files: [File], counts: [String: Int]) {
            self.name = name
            self.format = format
            self.source = source
            self.licence = licence
            self.description = description
            self.files = files
            self.counts = counts
        }

        /// The file with `role` ("train", "eval" or "all").
        public func file(_ role: String) -> File? { files.first { $0.role == role } }
    }

    /// One prepared file.
    public struct File: Sendable, Equatable, Codable {
        /// "train", "eval", or "all" (a single file the run splits itself).
        public var role: String
        /// Path relative to the data folder.
        public var path: String
        /// Records (lines) in it.
        public var records: Int
        /// Size in bytes.
        public var bytes: Int
        /// SHA-256 of its bytes.
        public var sha256: String

        /// A file entry.
        public init(role: String, path: String, records: Int, bytes: Int, sha256: String) {
            self.role = role
            self.path = path
            self.records = records
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    /// Layout version of this file.
    public var version: Int = 1
    /// The datasets, in the order they were prepared.
    public var datasets: [Entry]

    /// A manifest of `datasets`.
    public init(datasets: [Entry]) {
        self.datasets = datasets
    }

    /// The manifest at `path`.
    public static func read(path: String) throws(DataError) -> DatasetManifest {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try JSONDecoder().decode(DatasetManifest.self, from: data)
        } catch let error as DecodingError {
            throw .unreadable(path: path, reason: "not a dataset manifest: \(error)")
        } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    /// Canonical JSON (sorted keys, pretty) so the manifest itself diffs and hashes stably.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [UInt8(ascii: "\n")]
    }
}
