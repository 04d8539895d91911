import ExperimentSpec
import Foundation
import Llama

/// Content hashes of the files cells read, keyed by the names their configurations use.
///
/// A model name resolves through the model loader's search (short name, GGUF file or checkpoint directory);
/// a dataset is hashed when its name is a file or directory on disk. Anything else stays unhashed, with the
/// reason, so that `plan` can say which ids cannot yet see their inputs' content.
struct InputHashes {
    /// Hashes by input name.
    var hashes: [String: String] = [:]
    /// Why an input has no hash, by input name.
    var unhashed: [String: String] = [:]

    /// Hashes the models and datasets of `cells`.
    init(cells: [Cell]) {
        var models: [String] = [], datasets: [String] = []
        for cell in cells {
            if !models.contains(cell.config.model.name) { models.append(cell.config.model.name) }
            for d in cell.config.data.datasets where !datasets.contains(d) { datasets.append(d) }
        }
        for name in models {
            do {
                hashes[name] = try Self.hash(path: try ModelLocation.resolve(name).path)
            } catch {
                unhashed[name] = "model not found: \(error)"
            }
        }
        for name in datasets where hashes[name] == nil {
            if FileManager.default.fileExists(atPath: name) {
                do { hashes[name] = try Self.hash(path: name) } catch { unhashed[name] = "\(error)" }
            } else {
                unhashed[name] = "not a file; dataset names are resolved by the data code, which plan does not call yet"
            }
        }
    }

    /// SHA-256 of a file, or of a directory's files (sorted relative paths with their hashes).
    static func hash(path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputHashError(path: path, reason: "no such file or directory")
        }
        guard isDirectory.boolValue else { return try hashFile(path) }
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
            manifest += "\(try hashFile(path + "/" + relative))  \(relative)\n"
        }
        return SHA256.hexDigest(manifest.utf8)
    }

    private static func hashFile(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputHashError(path: path, reason: "cannot open the file")
        }
        defer { try? handle.close() }
        var sha = SHA256()
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw InputHashError(path: path, reason: "read failed: \(error)")
            }
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { sha.update($0) }
        }
        return SHA256.hex(sha.finalize())
    }
}

/// A model or data file that could not be hashed.
struct InputHashError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { "\(path): \(reason)" }
}
