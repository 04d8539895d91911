import Foundation

extension DatasetCatalog {
    /// Where benchmark `name` is: the path itself when it exists (a folder or a file of questions), else the folder
    /// of a benchmark `qlab data prepare` wrote under that name (`wordnet-en`, `poems-zh`).
    public func benchmarkPath(_ name: String) throws(DataError) -> String {
        if FileManager.default.fileExists(atPath: name) { return name }
        guard let root, let manifest, let entry = manifest.datasets.first(where: { $0.name == name }), entry.format == "benchmark" else {
            let prepared = manifest?.datasets.filter { $0.format == "benchmark" }.map(\.name) ?? []
            throw .unknownDataset(name: name, reason: "no such file or folder, and no prepared benchmark of that name"
                                  + (prepared.isEmpty ? " (run `qlab data prepare`)" : " (prepared: \(prepared.joined(separator: ", ")))"))
        }
        return root + "/" + entry.name
    }
}

/// Whether a path is a folder (a benchmark in MMLU's layout) rather than a file.
public enum BenchmarkFolder {
    public static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
