import Tensors

/// Builds GGUF version 3 files: metadata in insertion order, then tensors laid out at aligned offsets.
///
/// Tensor data is taken as already-encoded bytes of its type (the writer does not quantize); `add(_:tensor:)`
/// stores a float32 `Tensor` directly.
public struct GGUFWriter: Sendable {
    private struct PendingTensor: Sendable {
        var name: String
        var dimensions: [Int]
        var type: GGUFTensorType
        var bytes: [UInt8]
    }

    /// Metadata entries in the order they will be written.
    public private(set) var metadata: [(key: String, value: GGUFValue)] = []
    private var tensors: [PendingTensor] = []
    /// The data alignment; written as `general.alignment` when it is not the default 32.
    public let alignment: Int

    /// A writer aligning tensor data to `alignment` bytes (a positive power of two).
    public init(alignment: Int = GGUFFile.defaultAlignment) throws {
        guard alignment > 0, alignment.nonzeroBitCount == 1, alignment <= Int(UInt32.max) else {
            throw Self.error("alignment \(alignment) is not a positive power of two")
        }
        self.alignment = alignment
        if alignment != GGUFFile.defaultAlignment { metadata.append(("general.alignment", .uint32(UInt32(alignment)))) }
    }

    private static func error(_ message: String, key: String? = nil, tensor: String? = nil) -> GGUFError {
        GGUFError(path: "(GGUF writer)", key: key, tensor: tensor, message: message)
    }

    /// Adds metadata `key`; a key may appear once.
    public mutating func set(_ key: String, _ value: GGUFValue) throws {
        guard !metadata.contains(where: { $0.key == key }) else { throw Self.error("set twice", key: key) }
        if key == "general.alignment" { throw Self.error("follows from the writer's alignment", key: key) }
        try Self.check(value, key: key)
        metadata.append((key, value))
    }

    /// Adds a tensor from encoded bytes; `dimensions` are in GGML order (innermost first).
    public mutating func add(_ name: String, dimensions: [Int], type: GGUFTensorType, bytes: [UInt8]) throws {
        guard !tensors.contains(where: { $0.name == name }) else { throw Self.error("added twice", tensor: name) }
        guard dimensions.count <= GGUFFile.maximumDimensions, dimensions.allSatisfy({ $0 >= 0 }) else {
            throw Self.error("dimensions \(dimensions) are not 0–4 non-negative extents", tensor: name)
        }
        var elements = 1
        for d in dimensions {
            let (p, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow else { throw Self.error("dimensions \(dimensions) overflow", tensor: name) }
            elements = p
        }
        guard (dimensions.first ?? 1) % type.blockSize == 0, let expected = type.byteCount(elements: elements) else {
            throw Self.error("dimensions \(dimensions) do not form whole \(type) blocks of \(type.blockSize)", tensor: name)
        }
        guard expected == bytes.count else {
            throw Self.error("\(elements) elements of \(type) take \(expected) bytes, got \(bytes.count)", tensor: name)
        }
        tensors.append(PendingTensor(name: name, dimensions: dimensions, type: type, bytes: bytes))
    }

    /// Adds a float32 tensor; its shape (outermost first) is written reversed, as GGML dimensions.
    public mutating func add(_ name: String, tensor: Tensor) throws {
        var bytes = [UInt8]()
        bytes.reserveCapacity(4 * tensor.count)
        for v in tensor.scalars { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        try add(name, dimensions: tensor.shape.reversed(), type: .f32, bytes: bytes)
    }

    /// The whole file's bytes.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func appendString(_ s: String) {
            append(UInt64(s.utf8.count))
            out.append(contentsOf: s.utf8)
        }
        func appendValue(_ value: GGUFValue) {
            switch value {
            case .uint8(let v): append(v)
            case .int8(let v): append(v)
            case .uint16(let v): append(v)
            case .int16(let v): append(v)
            case .uint32(let v): append(v)
            case .int32(let v): append(v)
            case .uint64(let v): append(v)
            case .int64(let v): append(v)
            case .float32(let v): append(v.bitPattern)
            case .float64(let v): append(v.bitPattern)
            case .bool(let v): append(UInt8(v ? 1 : 0))
            case .string(let v): appendString(v)
            case .array(let type, let values):
                append(type.rawValue)
                append(UInt64(values.count))
                for v in values { appendValue(v) }
            }
        }
        func pad() { while out.count % alignment != 0 { out.append(0) } }

        append(GGUFFile.magic)
        append(UInt32(3))
        append(UInt64(tensors.count))
        append(UInt64(metadata.count))
        for (key, value) in metadata {
            appendString(key)
            append(value.type.rawValue)
            appendValue(value)
        }
        var offset = 0
        for t in tensors {
            appendString(t.name)
            append(UInt32(t.dimensions.count))
            for d in t.dimensions { append(UInt64(d)) }
            append(t.type.rawValue)
            append(UInt64(offset))
            offset += t.bytes.count
            offset += (alignment - offset % alignment) % alignment
        }
        pad()
        for t in tensors {
            out.append(contentsOf: t.bytes)
            pad()
        }
        return out
    }

    /// Writes the file to `path` atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(serialized(), to: path)
    }

    /// Arrays must hold elements of their declared type, as the reader requires.
    private static func check(_ value: GGUFValue, key: String) throws {
        guard case .array(let type, let values) = value else { return }
        for v in values {
            guard v.type == type else { throw error("array of \(type) holds a \(v.type)", key: key) }
            try check(v, key: key)
        }
    }
}
