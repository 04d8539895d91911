import Datasets
import ExperimentSpec
import Foundation
import Models

/// Content hashes of the files cells read, keyed by the names their configurations use.
///
/// A model name resolves through the model loader's search (short name, GGUF file or checkpoint directory),
/// a dataset name through the data catalog (a JSONL path, or a dataset `qlab data prepare` wrote, whose
/// train and eval files both count). What cannot be resolved stays unhashed, with the reason, so that `plan`
/// can say which ids cannot see their inputs' content.
public struct InputHashes: Sendable {
    /// Hashes by input name.
    public var hashes: [String: String] = [:]
    /// Why an input has no hash, by input name.
    public var unhashed: [String: String] = [:]
    /// Where each hashed input was found on disk.
    public var paths: [String: String] = [:]

    /// Hashes the models and datasets of `cells`.
    public init(cells: [Cell]) {
        let cache = FileHashCache.standard()
        defer { cache.save() }
        var models: [String] = [], datasets: [String] = [], adapters: [String] = []
        for cell in cells {
            if !models.contains(cell.config.model.name) { models.append(cell.config.model.name) }
            if let adapter = cell.config.model.adapter, !adapters.contains(adapter) { adapters.append(adapter) }
            // Training data, then the datasets evaluations ask questions from.
            for d in cell.inputs.dropFirst() where !datasets.contains(d) && d != cell.config.model.adapter { datasets.append(d) }
        }
        // An adapter to start from: its folder's files, hashed as a directory.
        for name in adapters {
            do {
                hashes[name] = try Self.hash(path: name, cache: cache)
                paths[name] = name
            } catch {
                unhashed[name] = "adapter not found: \(error)"
            }
        }
        for name in models {
            do {
                let path = try ModelLocation.resolve(name).path
                hashes[name] = try Self.hash(path: path, cache: cache)
                paths[name] = path
            } catch {
                unhashed[name] = "model not found: \(error)"
            }
        }
        let catalog: DatasetCatalog
        do { catalog = try DatasetCatalog.locate() } catch {
            for name in datasets where hashes[name] == nil { unhashed[name] = "the data catalog cannot be read: \(error)" }
            return
        }
        for name in datasets where hashes[name] == nil {
            do {
                // A benchmark folder (MMLU's layout, or a prepared one): its files, hashed as a directory.
                if let folder = try? catalog.benchmarkPath(name), BenchmarkFolder.isFolder(folder) {
                    hashes[name] = try Self.hash(path: folder, cache: cache)
                    paths[name] = folder
                    continue
                }
                let source = try catalog.resolve(name)
                let files = source.hashes
                // One file: its own hash, so a JSONL path's id input is the file's plain SHA-256.
                hashes[name] = files.count == 1 ? files[0] : ExperimentSpec.SHA256.hexDigest(files.joined(separator: "\n").utf8)
                paths[name] = source.train
            } catch {
                unhashed[name] = "\(error)"
            }
        }
    }

    /// SHA-256 of a file, or of a directory's files (sorted relative paths with their hashes).
    public static func hash(path: String) throws -> String {
        try hash(path: path, cache: nil)
    }

    /// The same, reading unchanged files' hashes from `cache` (inputs are; a cell's fresh artifacts are not).
    static func hash(path: String, cache: FileHashCache?) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputHashError(path: path, reason: "no such file or directory")
        }
        guard isDirectory.boolValue else { return try hashFile(path, cache: cache) }
        guard let walker = FileManager.default.enumerator(atPath: path) else {
            throw InputHashError(path: path, reason: "cannot list the directory")
        }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            var sub: ObjCBool = false
            let full = path + "/" + relative
            if FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue,
               !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                files.append(relative)
            }
        }
        var manifest = ""
        for relative in files.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            manifest += "\(try hashFile(path + "/" + relative, cache: cache))  \(relative)\n"
        }
        return ExperimentSpec.SHA256.hexDigest(manifest.utf8)
    }

    private static func hashFile(_ path: String, cache: FileHashCache?) throws -> String {
        if let cache { return try cache.hash(path) { try readAndHash(path) } }
        return try readAndHash(path)
    }

    private static func readAndHash(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputHashError(path: path, reason: "cannot open the file")
        }
        defer { try? handle.close() }
        var sha = ExperimentSpec.SHA256()
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw InputHashError(path: path, reason: "read failed: \(error)")
            }
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { sha.update($0) }
        }
        return ExperimentSpec.SHA256.hex(sha.finalize())
    }
}

/// A model or data file that could not be hashed.
struct InputHashError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { "\(path): \(reason)" }
}
