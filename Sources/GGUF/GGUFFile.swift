import Tensors

/// A GGUF file (llama.cpp's checkpoint format, versions 2 and 3), memory-mapped, with a fully validated header.
///
/// Opening reads the header, every metadata key/value and every tensor description, and checks each length,
/// count and offset against the file before using it: a truncated, corrupted or lying file is a thrown
/// `GGUFError` naming the file and the key or tensor, never a crash or an allocation sized by a lying count.
/// Tensor data stays in the mapping until asked for.
public final class GGUFFile: @unchecked Sendable {
    /// The file's path.
    public let path: String
    /// The format version (2 or 3).
    public let version: Int
    /// Metadata values by key.
    public let metadata: [String: GGUFValue]
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    /// Tensor descriptions in file order.
    public let tensors: [GGUFTensorInfo]
    /// The data alignment (`general.alignment`, 32 when absent).
    public let alignment: Int
    /// Byte offset of the data section from the start of the file.
    public let dataOffset: Int
    private let tensorIndex: [String: Int]
    private let mapping: MappedFile

    /// The magic number "GGUF" read as a little-endian `UInt32`.
    static let magic: UInt32 = 0x4655_4747
    /// GGML allows at most four dimensions.
    static let maximumDimensions = 4
    /// The alignment when `general.alignment` is absent.
    public static let defaultAlignment = 32

    /// Maps and validates the file at `path`.
    public init(path: String) throws {
        self.path = path
        do {
            mapping = try MappedFile(path: path)
        } catch let error as FileError {
            throw GGUFError(path: path, message: error.message)
        }
        var reader = GGUFByteReader(bytes: mapping.bytes, path: path)

        let magic = try reader.read(UInt32.self, for: "the magic number")
        guard magic == Self.magic else {
            let first = withUnsafeBytes(of: magic.littleEndian) { $0.map { String($0, radix: 16) }.joined(separator: " ") }
            throw reader.error("starts with bytes \(first), not the GGUF magic \"GGUF\" (not a GGUF file)")
        }
        let version = try reader.read(UInt32.self, for: "the version")
        guard version == 2 || version == 3 else {
            // Big-endian GGUF files keep the magic's byte order but store the version swapped.
            let swapped = version.byteSwapped
            if swapped == 2 || swapped == 3 { throw reader.error("is a big-endian GGUF file (version \(swapped)); only little-endian files are supported") }
            throw reader.error("version \(version) is not supported (2 and 3 are)")
        }
        self.version = Int(version)
        let tensorCount = try reader.readCount(for: "the tensor count")
        let keyCount = try reader.readCount(for: "the metadata key count")
        // A key/value pair needs at least 8 (key length) + 4 (type) + 1 bytes; a tensor description at least
        // 8 (name length) + 4 (dimension count) + 4 (type) + 8 (offset).
        guard keyCount <= reader.remaining / 13 else {
            throw reader.error("claims \(keyCount) metadata keys but only \(reader.remaining) bytes remain")
        }
        guard tensorCount <= reader.remaining / 24 else {
            throw reader.error("claims \(tensorCount) tensors but only \(reader.remaining) bytes remain")
        }

        var metadata: [String: GGUFValue] = [:]
        var keys: [String] = []
        metadata.reserveCapacity(keyCount)
        keys.reserveCapacity(keyCount)
        for index in 0..<keyCount {
            reader.key = nil
            let key = try reader.readString(for: "metadata key #\(index)")
            reader.key = key
            let type = try reader.readValueType(for: "the value type")
            let value = try reader.readValue(of: type)
            guard metadata.updateValue(value, forKey: key) == nil else { throw reader.error("appears twice") }
            keys.append(key)
        }
        reader.key = nil

        var alignment = Self.defaultAlignment
        if let value = metadata["general.alignment"] {
            guard let a = value.int, a > 0, a.nonzeroBitCount == 1 else {
                throw GGUFError(path: path, key: "general.alignment", message: "is \(value), not a positive power of two")
            }
            alignment = a
        }
        self.alignment = alignment

        var infos: [GGUFTensorInfo] = []
        var index: [String: Int] = [:]
        infos.reserveCapacity(tensorCount)
        for number in 0..<tensorCount {
            reader.tensor = nil
            let name = try reader.readString(for: "the name of tensor #\(number)")
            reader.tensor = name
            let rank = try reader.read(UInt32.self, for: "the dimension count")
            guard rank <= Self.maximumDimensions else {
                throw reader.error("has \(rank) dimensions; GGML allows at most \(Self.maximumDimensions)")
            }
            var dimensions: [Int] = []
            var elements = 1
            for _ in 0..<rank {
                let extent = try reader.readCount(for: "a dimension")
                dimensions.append(extent)
                let (product, overflow) = elements.multipliedReportingOverflow(by: extent)
                guard !overflow else { throw reader.error("dimensions \(dimensions) overflow") }
                elements = product
            }
            let rawType = try reader.read(UInt32.self, for: "the element type")
            guard let type = GGUFTensorType(rawValue: rawType) else {
                throw reader.error("has unknown element type \(rawType)")
            }
            if let innermost = dimensions.first, innermost % type.blockSize != 0 {
                throw reader.error("innermost dimension \(innermost) is not a multiple of the \(type) block size \(type.blockSize)")
            }
            guard let byteCount = type.byteCount(elements: elements) else {
                throw reader.error("\(elements) elements of \(type) do not form whole blocks or overflow")
            }
            let offset = try reader.readCount(for: "the data offset")
            guard offset % alignment == 0 else {
                throw reader.error("data offset \(offset) is not a multiple of the alignment \(alignment)")
            }
            guard index.updateValue(infos.count, forKey: name) == nil else { throw reader.error("appears twice") }
            infos.append(GGUFTensorInfo(name: name, dimensions: dimensions, type: type, offset: offset, byteCount: byteCount))
        }
        reader.tensor = nil

        let dataOffset = reader.alignedPosition(to: alignment)
        let fileSize = mapping.bytes.count
        // A file without tensors may end before the padding; one with tensors must hold every extent.
        let dataSize: Int = dataOffset <= fileSize ? fileSize - dataOffset : 0
        for info in infos {
            let (end, overflow) = info.offset.addingReportingOverflow(info.byteCount)
            guard !overflow, dataOffset <= fileSize, end <= dataSize else {
                throw GGUFError(path: path, tensor: info.name,
                                message: "data [\(info.offset), \(info.offset) + \(info.byteCount)) lies beyond the \(dataSize)-byte data section at file offset \(dataOffset) (file truncated?)")
            }
        }
        let sorted = infos.filter { $0.byteCount > 0 }.sorted { $0.offset < $1.offset }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.offset + a.byteCount > b.offset {
            throw GGUFError(path: path, tensor: b.name, message: "data at offset \(b.offset) overlaps tensor \"\(a.name)\" (\(a.offset)..<\(a.offset + a.byteCount))")
        }

        self.metadata = metadata
        self.metadataKeys = keys
        self.tensors = infos
        self.tensorIndex = index
        self.dataOffset = dataOffset
    }

    /// The description of tensor `name`, or an error naming the file and the missing tensor.
    public func tensorInfo(_ name: String) throws -> GGUFTensorInfo {
        guard let i = tensorIndex[name] else { throw GGUFError(path: path, tensor: name, message: "no such tensor") }
        return tensors[i]
    }

    /// Whether the file holds a tensor called `name`.
    public func contains(tensor name: String) -> Bool { tensorIndex[name] != nil }

    /// The value of metadata `key`, or an error naming the file and the missing key.
    public func value(_ key: String) throws -> GGUFValue {
        guard let value = metadata[key] else { throw GGUFError(path: path, key: key, message: "missing") }
        return value
    }

    /// Calls `body` with the raw bytes of tensor `name`, valid only inside `body`.
    public func withBytes<R>(of name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let info = try tensorInfo(name)
        let start = dataOffset + info.offset
        return try body(UnsafeRawBufferPointer(rebasing: mapping.bytes[start..<(start + info.byteCount)]))
    }
}

extension GGUFFile {
    /// The elements of tensor `name` converted to float32, in GGML order (dimension 0 fastest).
    public func floats(_ name: String) throws -> [Float] {
        let info = try tensorInfo(name)
        return try withBytes(of: name) { raw in
            do throws(GGUFDequantizer.Failure) {
                return try GGUFDequantizer.floats(raw, type: info.type, count: info.elementCount)
            } catch {
                throw GGUFError(path: path, tensor: name, message: error.description)
            }
        }
    }

    /// Tensor `name` as float32 with its shape outermost first (the reverse of the GGML dimensions).
    public func tensor(_ name: String) throws -> Tensor {
        let info = try tensorInfo(name)
        return Tensor(shape: info.shape, scalars: try floats(name))
    }
}
