import ArgumentParser
import Datasets
import Foundation
import Lineage
import Support
import ZIPFoundation

/// A lineage export on disk: JSON lines, or (a name ending in `.zip`) the same text deflated as the one member of a
/// zip archive, about a twelfth of the size. The committed export is zipped; `qlab export --out`, `qlab import`
/// and `qlab report --from` take either.
enum LineageExportFile {
    /// Whether `path` names the zipped form.
    static func isZipped(_ path: String) -> Bool { path.lowercased().hasSuffix(".zip") }

    /// Writes `text` to `path` atomically, zipped when the name ends in `.zip`. The zip's bytes depend on the
    /// text alone (a fixed member name and date), so the same rows make the same file.
    static func write(_ text: String, to path: String) throws {
        let bytes = Data(text.utf8)
        guard isZipped(path) else { return try AtomicFile.write(Array(bytes), to: path) }
        let archive = try Archive(data: Data(), accessMode: .create)
        try archive.addEntry(with: member, type: .file, uncompressedSize: Int64(bytes.count),
                             modificationDate: Date(timeIntervalSince1970: 315_532_800),  // 1980-01-01, zip's first day
                             compressionMethod: .deflate) { position, size in
            bytes.subdata(in: Int(position)..<min(bytes.count, Int(position) + size))
        }
        guard let zipped = archive.data else { throw ValidationError("\(path): the zip archive could not be formed") }
        try AtomicFile.write(Array(zipped), to: path)
    }

    /// The export's text: the file itself, or its zip's one member (read within `DatasetZipArchive`'s limits and
    /// checked against its CRC-32).
    static func text(at path: String) throws -> String {
        if isZipped(path) {
            var archive: DatasetZipArchive
            do { archive = try DatasetZipArchive(path: path) } catch { throw ValidationError(error.description) }
            guard archive.entries.count == 1, let only = archive.entries.first else {
                throw ValidationError("\(path): a zipped lineage export holds exactly one member, this one \(archive.entries.count)")
            }
            let bytes: [UInt8]
            do { bytes = try archive.contents(of: only) } catch { throw ValidationError(error.description) }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ValidationError("\(path): its member \(only.name) is not UTF-8 text")
            }
            return text
        }
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ValidationError("\(path) cannot be read as UTF-8 text: \(error.localizedDescription)")
        }
    }

    /// The experiments the export's header names (a plain export's first line only; a zipped one is inflated).
    static func experiments(at path: String) throws -> [String] {
        guard isZipped(path) else { return try LineageExport.experiments(inExportAt: path) }
        let text = try text(at: path)
        return try LineageExport.header(String(text.prefix { $0 != "\n" }), path: path)
    }

    /// The zip member's name.
    static let member = "lineage.jsonl"
}
