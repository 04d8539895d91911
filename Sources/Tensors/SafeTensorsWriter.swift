import Foundation

/// One tensor to be written into a safetensors file: its type, shape and little-endian bytes.
public struct SafeTensorsBlob: Sendable {
    /// Element type.
    public let dtype: SafeTensorsDType
    /// Shape.
    public let shape: [Int]
    /// Raw little-endian bytes, `shape.product × dtype.size` of them.
    public let bytes: [UInt8]

    /// A blob from raw bytes; the byte count must match shape and dtype.
    public init(dtype: SafeTensorsDType, shape: [Int], bytes: [UInt8]) {
        precondition(shape.reduce(1, *) * dtype.size == bytes.count, "blob of \(bytes.count) bytes does not fit \(dtype.rawValue) \(shape)")
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// A float32 tensor.
    public static func float32(_ tensor: Tensor) -> SafeTensorsBlob {
        float32(tensor.scalars, shape: tensor.shape)
    }

    /// Float32 values under a shape.
    public static func float32(_ values: [Float], shape: [Int]) -> SafeTensorsBlob {
        let bytes = values.withUnsafeBytes { Array($0) }
        return SafeTensorsBlob(dtype: .f32, shape: shape, bytes: bytes)
    }

    /// A float32 tensor rounded to bfloat16 (round-to-nearest-even).
    public static func bfloat16(_ tensor: Tensor) -> SafeTensorsBlob {
        var bytes = [UInt8](repeating: 0, count: tensor.count * 2)
        for (i, v) in tensor.scalars.enumerated() {
            let b = HalfPrecision.bfloat16(from: v)
            bytes[2 * i] = UInt8(b & 0xFF)
            bytes[2 * i + 1] = UInt8(b >> 8)
        }
        return SafeTensorsBlob(dtype: .bf16, shape: tensor.shape, bytes: bytes)
    }

    /// A float32 tensor rounded to IEEE half precision.
    public static func float16(_ tensor: Tensor) -> SafeTensorsBlob {
        var bytes = [UInt8](repeating: 0, count: tensor.count * 2)
        for (i, v) in tensor.scalars.enumerated() {
            let b = HalfPrecision.half(from: v)
            bytes[2 * i] = UInt8(b & 0xFF)
            bytes[2 * i + 1] = UInt8(b >> 8)
        }
        return SafeTensorsBlob(dtype: .f16, shape: tensor.shape, bytes: bytes)
    }

    /// Unsigned bytes (packed codes) under a shape.
    public static func uint8(_ values: [UInt8], shape: [Int]) -> SafeTensorsBlob {
        SafeTensorsBlob(dtype: .u8, shape: shape, bytes: values)
    }

    /// 64-bit integers (token ids, labels) under a shape.
    public static func int64(_ values: [Int], shape: [Int]) -> SafeTensorsBlob {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 8)
        for v in values { withUnsafeBytes(of: Int64(v).littleEndian) { bytes.append(contentsOf: $0) } }
        return SafeTensorsBlob(dtype: .i64, shape: shape, bytes: bytes)
    }
}

/// Writes safetensors files atomically (temporary file, then rename).
public enum SafeTensorsWriter {
    /// Writes `tensors` (in the given order) with optional string metadata to `path`.
    public static func write(_ tensors: [(name: String, blob: SafeTensorsBlob)], metadata: [String: String] = [:], to path: String) throws {
        var names = Set<String>()
        for t in tensors {
            guard names.insert(t.name).inserted else { throw SafeTensorsError(path: path, tensor: t.name, message: "written twice") }
            guard t.name != "__metadata__" else { throw SafeTensorsError(path: path, tensor: t.name, message: "reserved name") }
        }
        var offset = 0
        var parts: [String] = []
        if !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { "\(quote($0)):\(quote(metadata[$0]!))" }
            parts.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        for t in tensors {
            let end = offset + t.blob.bytes.count
            parts.append("\(quote(t.name)):{\"dtype\":\"\(t.blob.dtype.rawValue)\",\"shape\":[\(t.blob.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(parts.joined(separator: ","))}".utf8)
        // Pad with spaces so that the data section starts 8-byte aligned, as the reference writer does.
        while header.count % 8 != 0 { header.append(0x20) }
        try AtomicFile.write(to: path) { fd in
            var length = UInt64(header.count).littleEndian
            try withUnsafeBytes(of: &length) { try AtomicFile.writeAll(fd: fd, $0, path: path) }
            try header.withUnsafeBytes { try AtomicFile.writeAll(fd: fd, $0, path: path) }
            for t in tensors {
                try t.blob.bytes.withUnsafeBytes { try AtomicFile.writeAll(fd: fd, $0, path: path) }
            }
        }
    }

    private static func quote(_ s: String) -> String {
        let data = try! JSONEncoder().encode(s)
        return String(decoding: data, as: UTF8.self)
    }
}
