/// A bounds-checked little-endian cursor over a GGUF file's bytes.
///
/// Every read checks the remaining length first and throws a `GGUFError` naming the file and the key or
/// tensor being read, so that a truncated or lying file is an error rather than an out-of-bounds access.
struct GGUFByteReader {
    let bytes: UnsafeRawBufferPointer
    let path: String
    private(set) var position = 0
    /// The key or tensor being read, for error messages.
    var key: String?
    var tensor: String?

    /// Nesting deeper than this is refused: it bounds recursion on a crafted file.
    static let maximumArrayDepth = 8
    /// Array elements in all of a file's metadata together. A count the file can hold may still cost far more
    /// memory than it takes on disk (a one-byte element becomes a `GGUFValue` of 24 bytes), so a file of a few
    /// hundred megabytes could ask for gigabytes. Real tokenizers need under a million (Gemma 3's 262,144
    /// tokens, scores and types); four million leaves them room and bounds the values at about 100 MB.
    static let maximumArrayElements = 1 << 22

    /// Array elements read so far, counted against `maximumArrayElements`.
    private(set) var arrayElements = 0

    init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    var remaining: Int { bytes.count - position }

    func error(_ message: String) -> GGUFError {
        GGUFError(path: path, key: key, tensor: tensor, message: message)
    }

    private mutating func take(_ count: Int, for what: String) throws -> Int {
        guard count >= 0, count <= remaining else {
            throw error("needs \(count) bytes for \(what) at offset \(position) but only \(remaining) remain (file truncated or corrupt)")
        }
        let start = position
        position += count
        return start
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, for what: String) throws -> T {
        let start = try take(MemoryLayout<T>.size, for: what)
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: start, as: T.self))
    }

    /// A `UInt64` count or length that must fit in `Int`.
    mutating func readCount(for what: String) throws -> Int {
        let raw = try read(UInt64.self, for: what)
        guard let value = Int(exactly: raw) else { throw error("\(what) \(raw) is too large") }
        return value
    }

    mutating func readString(for what: String) throws -> String {
        let length = try readCount(for: "the length of \(what)")
        guard length <= remaining else {
            throw error("\(what) claims \(length) bytes at offset \(position) but only \(remaining) remain (file truncated or corrupt)")
        }
        let start = try take(length, for: what)
        guard let string = String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)]), as: UTF8.self) else {
            throw error("\(what) at offset \(start) is not valid UTF-8")
        }
        return string
    }

    mutating func readValueType(for what: String) throws -> GGUFValueType {
        let raw = try read(UInt32.self, for: what)
        guard let type = GGUFValueType(rawValue: raw) else {
            throw error("\(what) has unknown value type \(raw) (valid: 0–12)")
        }
        return type
    }

    mutating func readValue(of type: GGUFValueType, depth: Int = 0) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try read(UInt8.self, for: "a uint8"))
        case .int8: return .int8(try read(Int8.self, for: "an int8"))
        case .uint16: return .uint16(try read(UInt16.self, for: "a uint16"))
        case .int16: return .int16(try read(Int16.self, for: "an int16"))
        case .uint32: return .uint32(try read(UInt32.self, for: "a uint32"))
        case .int32: return .int32(try read(Int32.self, for: "an int32"))
        case .uint64: return .uint64(try read(UInt64.self, for: "a uint64"))
        case .int64: return .int64(try read(Int64.self, for: "an int64"))
        case .float32: return .float32(Float(bitPattern: try read(UInt32.self, for: "a float32")))
        case .float64: return .float64(Double(bitPattern: try read(UInt64.self, for: "a float64")))
        case .bool:
            let raw = try read(UInt8.self, for: "a bool")
            guard raw <= 1 else { throw error("bool at offset \(position - 1) is \(raw), not 0 or 1") }
            return .bool(raw == 1)
        case .string: return .string(try readString(for: "a string"))
        case .array:
            guard depth < Self.maximumArrayDepth else {
                throw error("arrays nested deeper than \(Self.maximumArrayDepth) levels")
            }
            let elementType = try readValueType(for: "an array's element type")
            let count = try readCount(for: "an array's element count")
            // Every element needs at least `minimumSize` bytes: a count the rest of the file cannot hold is a
            // lie, refused before anything is allocated for it.
            guard count <= remaining / elementType.minimumSize else {
                throw error("array of \(count) \(elementType) values needs at least \(count) × \(elementType.minimumSize) bytes at offset \(position) but only \(remaining) remain")
            }
            guard count <= Self.maximumArrayElements - arrayElements else {
                throw error("array of \(count) \(elementType) values would bring the metadata's array elements to \(arrayElements + count), more than the limit of \(Self.maximumArrayElements) (real tokenizers need under 1,000,000)")
            }
            arrayElements += count
            var values: [GGUFValue] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try readValue(of: elementType, depth: depth + 1)) }
            return .array(elementType, values)
        }
    }

    /// The next multiple of `alignment` at or after the cursor; it may lie past the end (the caller checks).
    func alignedPosition(to alignment: Int) -> Int {
        let padding = (alignment - position % alignment) % alignment
        let (aligned, overflow) = position.addingReportingOverflow(padding)
        return overflow ? Int.max : aligned
    }
}
