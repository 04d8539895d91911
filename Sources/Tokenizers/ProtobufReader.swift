/// Reads protocol-buffer wire format (what SentencePiece's `tokenizer.model` is written in) one field at a time,
/// checking every length against the bytes that are there: a truncated or corrupted file throws an error naming
/// the byte offset, never reads out of bounds.
struct ProtobufReader {
    /// One field's value as the wire carries it; what it means is up to the message's schema.
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case bytes(Range<Int>)
        case fixed32(UInt32)
    }

    /// Why the bytes are not a well-formed message, and where.
    struct Failure: Error, Equatable {
        /// The offset, from the start of the file, of the field that could not be read.
        var offset: Int
        var reason: String
    }

    let bytes: [UInt8]
    /// The next byte to read.
    private(set) var offset: Int
    private let end: Int

    /// A reader of the message in `bytes[range]`.
    init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        offset = range?.lowerBound ?? 0
        end = range?.upperBound ?? bytes.count
    }

    /// The next field's number, value and starting offset, or nil at the end of the message.
    /// Group fields (wire types 3 and 4, deprecated) are skipped whole.
    mutating func next() throws(Failure) -> (number: Int, value: Value, offset: Int)? {
        while offset < end {
            let start = offset
            let key = try readVarint()
            let number = key >> 3
            guard number > 0, number < 1 << 29 else {
                throw Failure(offset: start, reason: "field number \(number) is outside 1…536870911")
            }
            switch key & 7 {
            case 0: return (Int(number), .varint(try readVarint()), start)
            case 1: return (Int(number), .fixed64(try readFixed(8)), start)
            case 2:
                let length = try readVarint()
                guard length <= UInt64(end - offset) else {
                    throw Failure(offset: start, reason: "field \(number) claims \(length) bytes but \(end - offset) remain")
                }
                let range = offset..<(offset + Int(length))
                offset = range.upperBound
                return (Int(number), .bytes(range), start)
            case 3: try skipGroup(number: number, start: start)
            case 5: return (Int(number), .fixed32(UInt32(try readFixed(4))), start)
            default:
                throw Failure(offset: start, reason: "field \(number) has wire type \(key & 7), which does not exist here")
            }
        }
        return nil
    }

    private mutating func readVarint() throws(Failure) -> UInt64 {
        let start = offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw Failure(offset: start, reason: "a varint runs past the end of its message") }
            let byte = bytes[offset]
            offset += 1
            // The tenth byte may carry only the top bit of a 64-bit value.
            guard shift < 63 || byte <= 1 else { throw Failure(offset: start, reason: "a varint is longer than 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    private mutating func readFixed(_ count: Int) throws(Failure) -> UInt64 {
        guard end - offset >= count else {
            throw Failure(offset: offset, reason: "a \(count * 8)-bit value runs past the end of its message")
        }
        var value: UInt64 = 0
        for i in 0..<count { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += count
        return value
    }

    /// Skips fields up to the end-group key that closes group `number`.
    private mutating func skipGroup(number: UInt64, start: Int) throws(Failure) {
        var depth = [number]
        while let open = depth.last {
            guard offset < end else { throw Failure(offset: start, reason: "group \(number) is never closed") }
            let keyStart = offset
            let key = try readVarint()
            switch key & 7 {
            case 0: _ = try readVarint()
            case 1: _ = try readFixed(8)
            case 2:
                let length = try readVarint()
                guard length <= UInt64(end - offset) else {
                    throw Failure(offset: keyStart, reason: "field \(key >> 3) claims \(length) bytes but \(end - offset) remain")
                }
                offset += Int(length)
            case 3: depth.append(key >> 3)
            case 4:
                guard key >> 3 == open else {
                    throw Failure(offset: keyStart, reason: "group \(open) is closed as group \(key >> 3)")
                }
                depth.removeLast()
            case 5: _ = try readFixed(4)
            default: throw Failure(offset: keyStart, reason: "wire type \(key & 7) does not exist")
            }
        }
    }
}

extension ProtobufReader.Value {
    /// The value as a varint, or nil when the wire carried another type.
    var varint: UInt64? {
        if case .varint(let v) = self { return v }
        return nil
    }
}
