import Foundation
import Support

/// Finds the files a dataset name stands for: a JSONL path as given, or a dataset `qlab data prepare` wrote.
public struct DatasetCatalog: Sendable {
    /// The data folder (holding `manifest.json`), if one was found.
    public let root: String?
    /// Its manifest, if it has one.
    public let manifest: DatasetManifest?

    /// The files one dataset name resolves to.
    public struct Source: Sendable, Equatable {
        /// The name as the settings gave it.
        public var name: String
        /// The file to train on (and to split when there is no `eval`).
        public var train: String
        /// A prepared evaluation file, used instead of a split.
        public var eval: String?
        /// SHA-256 of `train`, then of `eval` (checked against the manifest for prepared data).
        public var hashes: [String]
    }

    /// A catalog over the data folder `root` (its manifest is read when present).
    public init(root: String?) throws(DataError) {
        self.root = root
        if let root, FileManager.default.fileExists(atPath: root + "/manifest.json") {
            manifest = try DatasetManifest.read(path: root + "/manifest.json")
        } else {
            manifest = nil
        }
    }

    /// Folders searched for prepared data, in order: `$QLAB_DATA`, `./data`, and the `data` folder of the
    /// checkout the running executable was built in.
    public static func searchFolders(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        CheckoutFolders.candidates(relative: "data", variable: "QLAB_DATA", environment: environment)
    }

    /// The catalog of the first searched folder holding a manifest (or of no folder: paths only).
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(DataError) -> DatasetCatalog {
        for folder in searchFolders(environment: environment) where FileManager.default.fileExists(atPath: folder + "/manifest.json") {
            return try DatasetCatalog(root: folder)
        }
        return try DatasetCatalog(root: nil)
    }

    /// Resolves `name`: an existing file path first, then a prepared dataset's name.
    public func resolve(_ name: String) throws(DataError) -> Source {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: name, isDirectory: &isDirectory), !isDirectory.boolValue {
            return Source(name: name, train: name, eval: nil, hashes: [try DatasetIdentity.sha256(file: name)])
        }
        guard let root, let manifest else {
            throw .unknownDataset(name: name, reason: "no such file, and no prepared data was found (run `qlab data prepare`; "
                                  + "searched \(Self.searchFolders().joined(separator: ", ")))")
        }
        guard let entry = manifest.datasets.first(where: { $0.name == name }) else {
            throw .unknownDataset(name: name, reason: "no such file or prepared dataset (prepared: "
                                  + manifest.datasets.map(\.name).joined(separator: ", ") + ")")
        }
        guard let train = entry.file("train") ?? entry.file("all") else {
            throw .unreadable(path: root + "/manifest.json", reason: "dataset \(name) lists no train or all file")
        }
        var files = [train]
        if let eval = entry.file("eval") { files.append(eval) }
        // The recorded hash is checked, not trusted: an edited file must not keep the identity of the original.
        for file in files {
            let path = root + "/" + file.path
            let actual = try DatasetIdentity.sha256(file: path)
            guard actual == file.sha256 else {
                throw .unreadable(path: path, reason: "its SHA-256 is \(actual), not the manifest's \(file.sha256); "
                                  + "run `qlab data prepare` again")
            }
        }
        return Source(name: name, train: root + "/" + train.path, eval: files.count > 1 ? root + "/" + files[1].path : nil,
                      hashes: files.map(\.sha256))
    }
}
