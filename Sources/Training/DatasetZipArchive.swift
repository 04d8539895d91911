import CZlib
import Foundation

/// A read-only zip archive (a Python wheel): the central directory, and entries that are stored or deflated,
/// checked against their CRC-32. Zip64, encryption and other methods are refused by name.
public struct DatasetZipArchive: Sendable {
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
        /// Offset of its local header.
        let localHeaderOffset: Int
        /// General-purpose flags (bit 0: encrypted).
        let flags: UInt16
    }

    /// The archive's path (for errors).
    public let path: String
    /// Members in central-directory order.
    public let entries: [Entry]
    private let bytes: [UInt8]

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
        self.bytes = bytes
        func fail(_ reason: String) -> DataError { .archive(path: path, reason: reason) }
        // The end-of-central-directory record sits within the last 22 + 65535 bytes (its comment may follow it).
        guard bytes.count >= 22 else { throw fail("only \(bytes.count) bytes") }
        var eocd = -1
        var i = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        while i >= lowest {
            if Self.u32(bytes, i) == 0x0605_4B50 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw fail("no end-of-central-directory record") }
        let count = Int(Self.u16(bytes, eocd + 10))
        let directorySize = Int(Self.u32(bytes, eocd + 12))
        let directoryOffset = Int(Self.u32(bytes, eocd + 16))
        guard count != 0xFFFF, directoryOffset != 0xFFFF_FFFF else { throw fail("zip64 archives are not supported") }
        guard directoryOffset + directorySize <= eocd else { throw fail("the central directory lies outside the file") }
        var entries: [Entry] = []
        var p = directoryOffset
        for index in 0..<count {
            guard p + 46 <= eocd, Self.u32(bytes, p) == 0x0201_4B50 else { throw fail("central directory entry \(index) is damaged") }
            let nameLength = Int(Self.u16(bytes, p + 28))
            let extraLength = Int(Self.u16(bytes, p + 30))
            let commentLength = Int(Self.u16(bytes, p + 32))
            guard p + 46 + nameLength <= eocd else { throw fail("central directory entry \(index) overruns the directory") }
            let entry = Entry(
                name: String(decoding: bytes[p + 46..<p + 46 + nameLength], as: UTF8.self),
                method: Self.u16(bytes, p + 10), crc32: Self.u32(bytes, p + 16),
                compressedSize: Int(Self.u32(bytes, p + 20)), size: Int(Self.u32(bytes, p + 24)),
                localHeaderOffset: Int(Self.u32(bytes, p + 42)), flags: Self.u16(bytes, p + 8))
            guard entry.compressedSize != 0xFFFF_FFFF, entry.size != 0xFFFF_FFFF, entry.localHeaderOffset != 0xFFFF_FFFF else {
                throw fail("\(entry.name) needs zip64, which is not supported")
            }
            entries.append(entry)
            p += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
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
        func fail(_ reason: String) -> DataError { .archive(path: path, reason: "\(entry.name): \(reason)") }
        guard entry.flags & 1 == 0 else { throw fail("encrypted members are not supported") }
        let h = entry.localHeaderOffset
        guard h + 30 <= bytes.count, Self.u32(bytes, h) == 0x0403_4B50 else { throw fail("damaged local header") }
        let start = h + 30 + Int(Self.u16(bytes, h + 26)) + Int(Self.u16(bytes, h + 28))
        guard start + entry.compressedSize <= bytes.count else { throw fail("data runs past the end of the archive") }
        let stored = Array(bytes[start..<start + entry.compressedSize])
        let output: [UInt8]
        switch entry.method {
        case 0:
            output = stored
        case 8:
            output = try Self.inflate(stored, size: entry.size, fail: fail)
        default:
            throw fail("compression method \(entry.method) is not supported (only stored and deflated)")
        }
        guard output.count == entry.size else { throw fail("inflated to \(output.count) bytes, not \(entry.size)") }
        let crc = output.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
        guard crc == entry.crc32 else { throw fail("CRC-32 mismatch") }
        return output
    }

    private static func inflate(_ input: [UInt8], size: Int, fail: (String) -> DataError) throws(DataError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: max(size, 1))  // zlib needs somewhere to write even for nothing
        var stream = z_stream()
        guard qlab_inflate_init_raw(&stream) == Z_OK else { throw fail("zlib could not start inflating") }
        defer { inflateEnd(&stream) }
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw fail("corrupt deflate data (zlib status \(status))") }
        return Array(output.prefix(Int(stream.total_out)))
    }

    static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}
