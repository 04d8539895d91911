import Foundation
import Support
import ZIPFoundation

/// A read-only zip archive (a Python wheel): its members, read through ZIPFoundation and checked against their
/// CRC-32, with every failure named by archive and member.
///
/// Sizes declared in an archive are claims, not facts: a member is refused before anything is allocated when
/// it declares more than `Limits.memberBytes`, its inflation stops the moment the output passes what it
/// declared, and all members read from one archive together may not pass `Limits.totalBytes`. A crafted
/// wheel is then an error naming the archive, the member and the limit, never an exhausted machine.
public struct DatasetZipArchive: @unchecked Sendable {
    // ZIPFoundation's Archive is a class without Sendable; this value only ever reads from it.

    /// How much one archive may make this process hold.
    public struct Limits: Sendable, Equatable {
        /// The archive file itself, which is read whole into memory.
        public var archiveBytes: Int
        /// One member once inflated.
        public var memberBytes: Int
        /// All members read from one archive, once inflated.
        public var totalBytes: Int

        public init(archiveBytes: Int, memberBytes: Int, totalBytes: Int) {
            self.archiveBytes = archiveBytes
            self.memberBytes = memberBytes
            self.totalBytes = totalBytes
        }

        /// Generous for the real sources: the chitchat-dataset wheel is 7.7 MiB with one 38.4 MiB member (40.3 MB),
        /// chatterbot-corpus 0.3 MiB holding 1.0 MiB in 243 members; each limit leaves them room several times over.
        public static let standard = Limits(archiveBytes: 256 << 20, memberBytes: 256 << 20, totalBytes: 512 << 20)
    }

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
    /// What reading this archive may cost.
    public let limits: Limits
    /// Inflated bytes of the members read so far, counted against `limits.totalBytes`.
    public private(set) var bytesRead = 0
    private let archive: Archive

    /// Reads the archive at `path`, which must be a regular file no larger than `limits.archiveBytes`.
    public init(path: String, limits: Limits = .standard) throws(DataError) {
        let size: Int
        do { size = try RegularFile.check(path) } catch { throw .unreadable(path: path, reason: error.message) }
        guard size <= limits.archiveBytes else {
            throw .archiveLimit(path: path, reason: "the archive is \(size) bytes, more than the \(limits.archiveBytes)-byte limit on an archive")
        }
        try self.init(opening: path, named: path, limits: limits)
    }

    /// Reads an archive held in memory; `path` names it in errors.
    public init(bytes: [UInt8], path: String, limits: Limits = .standard) throws(DataError) {
        guard bytes.count <= limits.archiveBytes else {
            throw .archiveLimit(path: path, reason: "the archive is \(bytes.count) bytes, more than the \(limits.archiveBytes)-byte limit on an archive")
        }
        // Through a file, as `init(path:)` reads: ZIPFoundation's in-memory archives trap on an offset past the end
        // of the bytes, where reading a file past its end just reads nothing. The open archive keeps the file
        // readable after its name is removed.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-archive-\(UUID().uuidString).zip")
        do { try Data(bytes).write(to: scratch) } catch {
            throw .unreadable(path: path, reason: "cannot stage the archive at \(scratch.path): \((error as NSError).localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        try self.init(opening: scratch.path, named: path, limits: limits)
    }

    private init(opening file: String, named path: String, limits: Limits) throws(DataError) {
        self.path = path
        self.limits = limits
        do {
            archive = try Archive(url: URL(fileURLWithPath: file), accessMode: .read)
        } catch {
            throw .archive(path: path, reason: "not a readable zip archive (\(Self.describe(error)))")
        }
        entries = archive.map { e in
            Entry(name: e.path, method: e.isCompressed ? 8 : 0, crc32: e.checksum,
                  compressedSize: Int(clamping: e.compressedSize), size: Int(clamping: e.uncompressedSize))
        }
    }

    /// The member named `name`, or nil.
    public func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// The uncompressed bytes of `name`; throws when it is missing, damaged, uses an unsupported method or
    /// passes a limit.
    public mutating func contents(of name: String) throws(DataError) -> [UInt8] {
        guard let entry = entry(name) else { throw .archive(path: path, reason: "no member \(name)") }
        return try contents(of: entry)
    }

    /// The uncompressed bytes of `entry`, checked against its size and CRC-32 and the limits.
    public mutating func contents(of entry: Entry) throws(DataError) -> [UInt8] {
        guard let member = archive[entry.name] else { throw .archive(path: path, reason: "no member \(entry.name)") }
        // ZIPFoundation reads a link's target in one allocation sized by the local header; a wheel holds none.
        guard member.type != .symlink else { throw .archive(path: path, reason: "\(entry.name): a symbolic link, which a wheel never holds") }
        let declared = member.uncompressedSize
        guard declared <= UInt64(limits.memberBytes) else {
            throw .archiveLimit(path: path, reason: "\(entry.name) declares \(declared) bytes, more than the \(limits.memberBytes)-byte limit on one member")
        }
        let allowedTotal = limits.totalBytes - bytesRead
        guard Int(declared) <= allowedTotal else {
            throw .archiveLimit(path: path, reason: "\(entry.name) declares \(declared) bytes, which would take the members read past the \(limits.totalBytes)-byte limit on one archive (\(bytesRead) read before it)")
        }
        // The consumer sees the output chunk by chunk: the first chunk past the declared size stops inflation,
        // so a member that lies about its size costs one chunk beyond what it declared, not what it inflates to.
        let ceiling = Int(declared)
        var output: [UInt8] = []
        output.reserveCapacity(ceiling)
        let checksum: CRC32
        do {
            checksum = try archive.extract(member, skipCRC32: false) { chunk in
                guard chunk.count <= ceiling - output.count else { throw InflatedPastDeclared() }
                output.append(contentsOf: chunk)
            }
        } catch is InflatedPastDeclared {
            throw .archiveLimit(path: path, reason: "\(entry.name) inflates to more than the \(ceiling) bytes it declares (stopped there)")
        } catch {
            throw .archive(path: path, reason: "\(entry.name): \(Self.describe(error))")
        }
        // Extracting to a consumer computes the checksum but leaves the comparison to the caller.
        guard checksum == member.checksum else { throw .archive(path: path, reason: "\(entry.name): CRC-32 mismatch") }
        guard output.count == entry.size else {
            throw .archive(path: path, reason: "\(entry.name): inflated to \(output.count) bytes, not \(entry.size)")
        }
        bytesRead += output.count
        return output
    }

    /// Thrown from inside ZIPFoundation's consumer to stop an inflation that passed the declared size.
    private struct InflatedPastDeclared: Error {}

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
