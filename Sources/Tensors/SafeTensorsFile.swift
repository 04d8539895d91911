import Support
import Foundation

/// One tensor's place in a safetensors file.
public struct SafeTensorsEntry: Sendable, Equatable {
    /// The tensor's name in the header.
    public let name: String
    /// Its element type.
    public let dtype: SafeTensorsDType
    /// Its shape.
    public let shape: [Int]
    /// Byte range relative to the start of the data section.
    public let range: Range<Int>

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }
}

/// A safetensors file, memory-mapped, with a fully validated header.
///
/// Validation rejects: a header length beyond the file, a header that is not a JSON object, unknown dtypes,
/// negative or non-integer shapes, byte ranges outside the data section, ranges that overlap, and ranges
/// whose length disagrees with shape × element size. Every error names the file and, where there is one,
/// the tensor.
public final class SafeTensorsFile: @unchecked Sendable {
    /// The file's path.
    public let path: String
    /// Free-form string metadata (`__metadata__`).
    public let metadata: [String: String]
    /// Entries by name.
    public let entries: [String: SafeTensorsEntry]
    private let mapping: MappedFile
    private let dataStart: Int

    /// The tensor names in file order.
    public var names: [String] { entries.values.sorted { $0.range.lowerBound < $1.range.lowerBound }.map(\.name) }

    /// Maps and validates the file at `path`.
    public init(path: String) throws {
        self.path = path
        mapping = try MappedFile(path: path)
        let bytes = mapping.bytes
        func fail(_ message: String, tensor: String? = nil) -> SafeTensorsError {
            SafeTensorsError(path: path, tensor: tensor, message: message)
        }
        guard bytes.count >= 8 else { throw fail("file is \(bytes.count) bytes, shorter than the 8-byte header length") }
        let headerLength = bytes.loadUnaligned(as: UInt64.self).littleEndian
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw fail("header length \(headerLength) exceeds the file's \(bytes.count - 8) remaining bytes (truncated or not a safetensors file)")
        }
        let headerEnd = 8 + Int(headerLength)
        let headerData = Data(bytes[8..<headerEnd])
        let json: JSONValue
        do {
            json = try JSONValue.parse(headerData)
        } catch {
            throw fail("header is not valid JSON (\(headerLength) bytes)")
        }
        guard let object = json.object else { throw fail("header is not a JSON object") }
        dataStart = headerEnd
        let dataSize = bytes.count - headerEnd

        var metadata: [String: String] = [:]
        var entries: [String: SafeTensorsEntry] = [:]
        for (name, value) in object {
            if name == "__metadata__" {
                guard let map = value.object else { throw fail("__metadata__ is not an object") }
                for (k, v) in map {
                    guard let s = v.string else { throw fail("__metadata__ value for \"\(k)\" is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard value.object != nil else { throw fail("entry is not an object", tensor: name) }
            guard let dtypeName = value["dtype"]?.string else { throw fail("missing dtype", tensor: name) }
            guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
                throw fail("unsupported dtype \(dtypeName) (supported: \(SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", ")))", tensor: name)
            }
            guard let rawShape = value["shape"]?.array else { throw fail("missing shape", tensor: name) }
            var shape: [Int] = []
            var elements = 1
            for dim in rawShape {
                guard case .integer(let wide) = dim, wide >= 0, let d = Int(exactly: wide) else {
                    throw fail("shape has a dimension that is not a non-negative integer", tensor: name)
                }
                shape.append(d)
                let (product, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow else { throw fail("shape \(shape) overflows", tensor: name) }
                elements = product
            }
            guard let offsets = value["data_offsets"]?.array, offsets.count == 2,
                  case .integer(let wideBegin) = offsets[0], case .integer(let wideEnd) = offsets[1],
                  let begin = Int(exactly: wideBegin), let end = Int(exactly: wideEnd) else {
                throw fail("data_offsets is not a pair of integers", tensor: name)
            }
            guard begin >= 0, begin <= end else { throw fail("data_offsets [\(begin), \(end)] are not increasing", tensor: name) }
            guard end <= dataSize else {
                throw fail("data_offsets end \(end) lies beyond the \(dataSize)-byte data section (file truncated?)", tensor: name)
            }
            let (expected, overflow) = elements.multipliedReportingOverflow(by: dtype.size)
            guard !overflow, expected == end - begin else {
                throw fail("shape \(shape) of \(dtype.rawValue) needs \(elements) × \(dtype.size) bytes but data_offsets give \(end - begin)", tensor: name)
            }
            entries[name] = SafeTensorsEntry(name: name, dtype: dtype, shape: shape, range: begin..<end)
        }
        let sorted = entries.values.filter { !$0.range.isEmpty }.sorted { $0.range.lowerBound < $1.range.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.range.upperBound > b.range.lowerBound {
            throw fail("byte range \(b.range) overlaps tensor \"\(a.name)\" (\(a.range))", tensor: b.name)
        }
        // The format lays the tensors end to end over the whole data section. A gap means bytes no entry
        // accounts for: a header that lost an entry (two tensors renamed to one name collapse into one key).
        var covered = 0
        for e in sorted {
            guard e.range.lowerBound == covered else {
                throw fail("bytes \(covered)..<\(e.range.lowerBound) of the data section belong to no tensor", tensor: e.name)
            }
            covered = e.range.upperBound
        }
        guard covered == dataSize else {
            throw fail("bytes \(covered)..<\(dataSize) of the data section belong to no tensor")
        }
        self.metadata = metadata
        self.entries = entries
    }

    /// The entry called `name`, or an error naming the file and the missing tensor.
    public func entry(_ name: String) throws -> SafeTensorsEntry {
        guard let entry = entries[name] else {
            throw SafeTensorsError(path: path, tensor: name, message: "no such tensor")
        }
        return entry
    }

    /// Calls `body` with the raw little-endian bytes of `name`, valid only inside `body`.
    public func withBytes<R>(of name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let e = try entry(name)
        return try body(UnsafeRawBufferPointer(rebasing: mapping.bytes[(dataStart + e.range.lowerBound)..<(dataStart + e.range.upperBound)]))
    }

    /// The raw bytes of `name` (e.g. packed 4-bit codes stored as U8).
    public func bytes(_ name: String) throws -> [UInt8] {
        try withBytes(of: name) { Array($0) }
    }

    /// The elements of a float tensor (F32, F16 or BF16) converted to float32.
    public func floats(_ name: String) throws -> [Float] {
        let e = try entry(name)
        return try withBytes(of: name) { raw in
            let n = e.count
            var out = [Float](repeating: 0, count: n)
            out.withUnsafeMutableBufferPointer { dst in
                switch e.dtype {
                case .f32:
                    if n > 0 { memcpy(dst.baseAddress!, raw.baseAddress!, n * 4) }
                case .f16:
                    for i in 0..<n { dst[i] = HalfPrecision.float(fromHalf: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
                case .bf16:
                    for i in 0..<n { dst[i] = HalfPrecision.float(fromBFloat16: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
                default:
                    break
                }
            }
            guard [.f32, .f16, .bf16].contains(e.dtype) else {
                throw SafeTensorsError(path: path, tensor: name, message: "is \(e.dtype.rawValue), not a float type")
            }
            return out
        }
    }

    /// The tensor `name` as float32 with its shape.
    public func tensor(_ name: String) throws -> Tensor {
        let e = try entry(name)
        return Tensor(shape: e.shape, scalars: try floats(name))
    }

    /// The elements of an integer tensor (U8, I8, I32, I64) widened to Int.
    public func integers(_ name: String) throws -> [Int] {
        let e = try entry(name)
        return try withBytes(of: name) { raw in
            switch e.dtype {
            case .u8: return raw.map { Int($0) }
            case .i8: return raw.map { Int(Int8(bitPattern: $0)) }
            case .i32: return (0..<e.count).map { Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) }
            case .i64: return (0..<e.count).map { Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self))) }
            default: throw SafeTensorsError(path: path, tensor: name, message: "is \(e.dtype.rawValue), not an integer type")
            }
        }
    }
}

/// A safetensors file that cannot be read as one: names the file, the tensor if any, and the problem.
public struct SafeTensorsError: Error, CustomStringConvertible, Sendable {
    /// The file.
    public let path: String
    /// The tensor concerned, when the problem is one tensor's.
    public let tensor: String?
    /// What is wrong.
    public let message: String

    /// An error about `path` (and `tensor`, when one is to blame).
    public init(path: String, tensor: String?, message: String) {
        self.path = path
        self.tensor = tensor
        self.message = message
    }

    public var description: String {
        if let tensor { return "\(path): tensor \"\(tensor)\": \(message)" }
        return "\(path): \(message)"
    }
}
