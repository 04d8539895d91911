/// Zip archives written byte by byte for the archive tests, with whatever sizes a member should claim, and the
/// deflate streams to put in them (fixed Huffman codes only: enough to say any bytes, and long runs cheaply).
struct CraftedZip {
    struct Member {
        var name: String
        /// 0 stored, 8 deflated.
        var method: UInt16
        /// The bytes as they lie in the archive.
        var stored: [UInt8]
        /// The uncompressed size the member declares; at 2^32 − 1 or more it is written as a ZIP64 field.
        var declaredSize: UInt64
        var crc: UInt32
    }

    var members: [Member] = []

    /// A member stored as it is, declaring its true size.
    mutating func store(_ name: String, _ bytes: [UInt8]) {
        members.append(Member(name: name, method: 0, stored: bytes, declaredSize: UInt64(bytes.count), crc: TestZip.crc32(bytes)))
    }

    /// A member deflated, declaring its true size.
    mutating func deflate(_ name: String, _ bytes: [UInt8]) {
        members.append(Member(name: name, method: 8, stored: Deflate.literals(bytes), declaredSize: UInt64(bytes.count), crc: TestZip.crc32(bytes)))
    }

    var bytes: [UInt8] {
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(v >> (8 * UInt32($0)) & 0xFF) } }
        func u64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(v >> (8 * UInt64($0)) & 0xFF) } }
        var out: [UInt8] = [], directory: [UInt8] = []
        for m in members {
            let offset = out.count
            let name = Array(m.name.utf8)
            let zip64 = m.declaredSize >= 0xFFFF_FFFF
            // ZIP64 extended information: only the field whose 32-bit slot holds 0xFFFFFFFF.
            let extra = zip64 ? u16(1) + u16(8) + u64(m.declaredSize) : []
            let common = u16(zip64 ? 45 : 20) + u16(0) + u16(Int(m.method)) + u16(0) + u16(0) + u32(m.crc) + u32(UInt32(m.stored.count))
                + u32(zip64 ? 0xFFFF_FFFF : UInt32(m.declaredSize)) + u16(name.count) + u16(extra.count)
            out += u32(0x0403_4B50) + common + name + extra + m.stored
            // Made by Unix (3) with a regular file's mode, as pip's wheels are.
            directory += u32(0x0201_4B50) + u16(0x0300 | 20) + common + u16(0) + u16(0) + u16(0) + u32(0o100644 << 16)
                + u32(UInt32(offset)) + name + extra
        }
        let directoryOffset = out.count
        out += directory
        out += u32(0x0605_4B50) + u16(0) + u16(0) + u16(members.count) + u16(members.count)
            + u32(UInt32(directory.count)) + u32(UInt32(directoryOffset)) + u16(0)
        return out
    }
}

/// Deflate streams of one final block with the fixed Huffman codes (RFC 1951, 3.2.6).
enum Deflate {
    struct BitWriter {
        var bytes: [UInt8] = []
        var buffer: UInt64 = 0
        var count = 0

        /// `length` bits of `value`, least significant first (how deflate packs everything but Huffman codes).
        mutating func bits(_ value: UInt64, _ length: Int) {
            buffer |= value << UInt64(count)
            count += length
            while count >= 8 {
                bytes.append(UInt8(buffer & 0xFF))
                buffer >>= 8
                count -= 8
            }
        }

        /// A Huffman code, which deflate packs most significant bit first.
        mutating func code(_ value: UInt64, _ length: Int) {
            var reversed: UInt64 = 0
            for i in 0..<length where value & (1 << UInt64(i)) != 0 { reversed |= 1 << UInt64(length - 1 - i) }
            bits(reversed, length)
        }

        mutating func literal(_ byte: UInt8) {
            if byte < 144 { code(0x30 + UInt64(byte), 8) } else { code(0x190 + UInt64(byte) - 144, 9) }
        }

        mutating func finish() -> [UInt8] {
            code(0, 7)   // end of block (256)
            if count > 0 { bytes.append(UInt8(buffer & 0xFF)) }
            return bytes
        }
    }

    /// `bytes` as literals.
    static func literals(_ bytes: [UInt8]) -> [UInt8] {
        var writer = BitWriter()
        writer.bits(1, 1)   // final block
        writer.bits(1, 2)   // fixed Huffman codes
        for b in bytes { writer.literal(b) }
        return writer.finish()
    }

    /// 1 + 258 × `copies` zero bytes: one literal, then copies of 258 bytes at distance 1, 13 bits each, so a
    /// gibibyte of output takes under 7 MB of stream.
    static func zeros(copies: Int) -> [UInt8] {
        var writer = BitWriter()
        writer.bits(1, 1)
        writer.bits(1, 2)
        writer.literal(0)
        // Length 258 is code 285 (8 bits, 11000101) with no extra bits; distance 1 is code 0 (5 bits).
        var reversed285: UInt64 = 0
        for i in 0..<8 where UInt64(0b1100_0101) & (1 << UInt64(i)) != 0 { reversed285 |= 1 << UInt64(7 - i) }
        for _ in 0..<copies { writer.bits(reversed285, 13) }
        return writer.finish()
    }
}
