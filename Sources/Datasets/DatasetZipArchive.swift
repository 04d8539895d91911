import Foundation
import ZIPFoundation

/// A read-only zip archive (a Python wheel): its members, read through ZIPFoundation and checked against their
/// CRC-32, with every failure named by archive and member.
public struct DatasetZipArchive: @unchecked Sendable {
    // ZIPFoundation's Archive is a class without Sendable; this value only ever reads from it.

    /// One member of the archive.
    public struct Entry: Sendable, Equatable {
        /// Path inside the archive.
        public let name: String
        /// 0 stored, 8 deflated.
        public let method: UInt16
        /// CRC-32 of the uncompressed bytes.
        public let crc32: UInt32
        /// Bytes as stored.
        public let compressedSize: Int
        /// Bytes once inflated.
        public let size: Int
    }

    /// The archive's path (for errors).
    public let path: String
    /// Members in central-directory order.
    public let entries: [Entry]
    private let archive: Archive

    /// Reads the archive at `path`.
    public init(path: String) throws(DataError) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        try self.init(bytes: Array(data), path: path)
    }

    /// Reads an archive held in memory; `path` names it in errors.
    public init(bytes: [UInt8], path: String) throws(DataError) {
        self.path = path
        do {
            archive = try Archive(data: Data(bytes), accessMode: .read)
        } catch {
            throw .archive(path: path, reason: "not a readable zip archive (\(Self.describe(error)))")
        }
        entries = archive.map { e in
            Entry(name: e.path, method: e.isCompressed ? 8 : 0, crc32: e.checksum,
                  compressedSize: Int(e.compressedSize), size: Int(e.uncompressedSize))
        }
    }

    /// The member named `name`, or nil.
    public func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// The uncompressed bytes of `name`; throws when it is missing, damaged or uses an unsupported method.
    public func contents(of name: String) throws(DataError) -> [UInt8] {
        guard let entry = entry(name) else { throw .archive(path: path, reason: "no member \(name)") }
        return try contents(of: entry)
    }

    /// The uncompressed bytes of `entry`, checked against its size and CRC-32.
    public func contents(of entry: Entry) throws(DataError) -> [UInt8] {
        guard let member = archive[entry.name] else { throw .archive(path: path, reason: "no member \(entry.name)") }
        var output: [UInt8] = []
        output.reserveCapacity(entry.size)
        let checksum: CRC32
        do {
            checksum = try archive.extract(member, skipCRC32: false) { chunk in output.append(contentsOf: chunk) }
        } catch {
            throw .archive(path: path, reason: "\(entry.name): \(Self.describe(error))")
        }
        // Extracting to a consumer computes the checksum but leaves the comparison to the caller.
        guard checksum == member.checksum else { throw .archive(path: path, reason: "\(entry.name): CRC-32 mismatch") }
        guard output.count == entry.size else {
            throw .archive(path: path, reason: "\(entry.name): inflated to \(output.count) bytes, not \(entry.size)")
        }
        return output
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case Archive.ArchiveError.invalidCRC32: "CRC-32 mismatch"
        case Archive.ArchiveError.missingEndOfCentralDirectoryRecord: "no end-of-central-directory record"
        case Archive.ArchiveError.invalidCompressionMethod: "compression method not supported (only stored and deflated)"
        case Archive.ArchiveError.unreadableArchive: "unreadable archive"
        case let e as Archive.ArchiveError: "damaged archive (\(e))"
        default: "corrupt data (\(error))"
        }
    }
}
