import Tensors

/// Converts GGUF tensor data to float32, following the block layouts of llama.cpp's `ggml-common.h`.
///
/// All multi-byte fields are little-endian. Arithmetic follows the reference dequantizers' order of
/// operations so that the floats come out bit for bit as llama.cpp and gguf-py produce them.
public enum GGUFDequantizer {
    /// Why a buffer could not be converted.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The type is known but this package does not convert it.
        case unsupported(GGUFTensorType)
        /// The byte count does not match the element count for the type.
        case sizeMismatch(type: GGUFTensorType, elements: Int, expectedBytes: Int?, actualBytes: Int)

        public var description: String {
            switch self {
            case .unsupported(let type):
                "element type \(type) cannot be converted to float32 (supported: \(GGUFTensorType.allCases.filter(\.canDequantize).map(\.description).joined(separator: ", ")))"
            case .sizeMismatch(let type, let elements, let expected, let actual):
                "\(elements) elements of \(type) need \(expected.map(String.init) ?? "a whole number of blocks, not") bytes, got \(actual)"
            }
        }
    }

    /// Converts `raw` (whole blocks of `type`) into `out`, whose count is the number of elements.
    public static func dequantize(_ raw: UnsafeRawBufferPointer, type: GGUFTensorType,
                                  into out: UnsafeMutableBufferPointer<Float>) throws(Failure) {
        guard type.canDequantize else { throw .unsupported(type) }
        let expected = type.byteCount(elements: out.count)
        guard let expected, expected == raw.count else {
            throw .sizeMismatch(type: type, elements: out.count, expectedBytes: expected, actualBytes: raw.count)
        }
        guard out.count > 0 else { return }
        let y = out.baseAddress!
        let blocks = out.count / type.blockSize
        switch type {
        case .f32:
            for i in 0..<out.count { y[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
        case .f16:
            for i in 0..<out.count { y[i] = half(raw, 2 * i) }
        case .bf16:
            for i in 0..<out.count { y[i] = HalfPrecision.float(fromBFloat16: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
        case .f64:
            for i in 0..<out.count { y[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
        case .q8_0:
            for b in 0..<blocks { q8_0(raw, b * 34, y + b * 32) }
        case .q4_0:
            for b in 0..<blocks { q4_0(raw, b * 18, y + b * 32) }
        case .q4_1:
            for b in 0..<blocks { q4_1(raw, b * 20, y + b * 32) }
        case .q5_0:
            for b in 0..<blocks { q5_0(raw, b * 22, y + b * 32) }
        case .q5_1:
            for b in 0..<blocks { q5_1(raw, b * 24, y + b * 32) }
        case .q4_K:
            for b in 0..<blocks { q4_K(raw, b * 144, y + b * 256) }
        case .q6_K:
            for b in 0..<blocks { q6_K(raw, b * 210, y + b * 256) }
        case .q2_K:
            for b in 0..<blocks { q2_K(raw, b * 84, y + b * 256) }
        case .q3_K:
            for b in 0..<blocks { q3_K(raw, b * 110, y + b * 256) }
        case .q5_K:
            for b in 0..<blocks { q5_K(raw, b * 176, y + b * 256) }
        case .q8_K:
            for b in 0..<blocks { q8_K(raw, b * 292, y + b * 256) }
        default:
            throw .unsupported(type)
        }
    }

    /// Converts `raw` (whole blocks of `type`) into a new array of `count` floats.
    public static func floats(_ raw: UnsafeRawBufferPointer, type: GGUFTensorType, count: Int) throws(Failure) -> [Float] {
        var failure: Failure?
        let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(Failure) {
                try dequantize(raw, type: type, into: buffer)
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return values
    }

    @inline(__always)
    static func half(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> Float {
        HalfPrecision.float(fromHalf: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    @inline(__always)
    static func byte(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt8 {
        raw.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// f16 d, then 32 int8 q: v = q·d.
    @inline(__always)
    private static func q8_0(_ raw: UnsafeRawBufferPointer, _ at: Int, _ y: UnsafeMutablePointer<Float>) {
        let d = half(raw, at)
        for j in 0..<32 { y[j] = Float(Int8(bitPattern: byte(raw, at + 2 + j))) * d }
    }

    /// f16 d, then 16 bytes whose low nibbles are elements 0–15 and high nibbles 16–31: v = (q − 8)·d.
    @inline(__always)
    private static func q4_0(_ raw: UnsafeRawBufferPointer, _ at: Int, _ y: UnsafeMutablePointer<Float>) {
        let d = half(raw, at)
        for j in 0..<16 {
            let q = byte(raw, at + 2 + j)
            y[j] = Float(Int(q & 0x0F) - 8) * d
            y[j + 16] = Float(Int(q >> 4) - 8) * d
        }
    }

    /// f16 d, f16 m, then 16 bytes of nibbles as in Q4_0: v = q·d + m.
    @inline(__always)
    private static func q4_1(_ raw: UnsafeRawBufferPointer, _ at: Int, _ y: UnsafeMutablePointer<Float>) {
        let d = half(raw, at), m = half(raw, at + 2)
        for j in 0..<16 {
            let q = byte(raw, at + 4 + j)
            y[j] = Float(q & 0x0F) * d + m
            y[j + 16] = Float(q >> 4) * d + m
        }
    }

    /// The fifth bit of element j comes from bit j of a 32-bit word; elements 16–31 use bits 16–31.
    @inline(__always)
    private static func fifthBits(_ qh: UInt32, _ j: Int) -> (UInt8, UInt8) {
        (UInt8(truncatingIfNeeded: ((qh >> UInt32(j)) << 4) & 0x10), UInt8(truncatingIfNeeded: (qh >> UInt32(j + 12)) & 0x10))
    }

    /// f16 d, u32 fifth bits, 16 bytes of nibbles: v = (q − 16)·d with 5-bit q.
    @inline(__always)
    private static func q5_0(_ raw: UnsafeRawBufferPointer, _ at: Int, _ y: UnsafeMutablePointer<Float>) {
        let d = half(raw, at)
        let qh = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at + 2, as: UInt32.self))
        for j in 0..<16 {
            let q = byte(raw, at + 6 + j)
            let (h0, h1) = fifthBits(qh, j)
            y[j] = Float(Int((q & 0x0F) | h0) - 16) * d
            y[j + 16] = Float(Int((q >> 4) | h1) - 16) * d
        }
    }

    /// f16 d, f16 m, u32 fifth bits, 16 bytes of nibbles: v = q·d + m with 5-bit q.
    @inline(__always)
    private static func q5_1(_ raw: UnsafeRawBufferPointer, _ at: Int, _ y: UnsafeMutablePointer<Float>) {
        let d = half(raw, at), m = half(raw, at + 2)
        let qh = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self))
        for j in 0..<16 {
            let q = byte(raw, at + 8 + j)
            let (h0, h1) = fifthBits(qh, j)
            y[j] = Float((q & 0x0F) | h0) * d + m
            y[j + 16] = Float((q >> 4) | h1) * d + m
        }
    }

    /// The 6-bit scale and minimum of sub-block j (0–7) packed into Q4_K's 12 scale bytes.
    @inline(__always)
    static func scaleMin(_ raw: UnsafeRawBufferPointer, _ scales: Int, _ j: Int) -> (Float, Float) {
        let s = { (i: Int) in byte(raw, scales + i) }
        if j < 4 { return (Float(s(j) & 63), Float(s(j + 4) & 63)) }
        return (Float((s(j + 4) & 0x0F) | ((s(j - 4) >> 6) << 4)), Float((s(j + 4) >> 4) | ((s(j) >> 6) << 4)))
    }

    /// Super-blocks of 256: f16 d, f16 dmin, 12 scale bytes, 128 bytes of nibbles. Each 64 elements share
    /// 32 bytes: low nibbles are the first 32 (sub-block 2c), high nibbles the next 32 (sub-block 2c+1);
    /// v = d·scale·q − dmin·min.
    @inline(__always)
    private static func q4_K(_ raw: UnsafeRawBufferPointer, _ at: Int, _ y: UnsafeMutablePointer<Float>) {
        let d = half(raw, at), dmin = half(raw, at + 2)
        for c in 0..<4 {
            let (sc1, mn1) = scaleMin(raw, at + 4, 2 * c)
            let (sc2, mn2) = scaleMin(raw, at + 4, 2 * c + 1)
            let d1 = d * sc1, m1 = dmin * mn1, d2 = d * sc2, m2 = dmin * mn2
            let q = at + 16 + 32 * c
            for l in 0..<32 {
                let byte = byte(raw, q + l)
                y[64 * c + l] = d1 * Float(byte & 0x0F) - m1
                y[64 * c + 32 + l] = d2 * Float(byte >> 4) - m2
            }
        }
    }

    /// Super-blocks of 256: 128 bytes of low nibbles, 64 bytes of high 2-bit pairs, 16 int8 scales, f16 d.
    /// Each half of 128 elements uses 64 low-nibble bytes and 32 high bytes; v = d·scale·(q − 32).
    @inline(__always)
    private static func q6_K(_ raw: UnsafeRawBufferPointer, _ at: Int, _ y: UnsafeMutablePointer<Float>) {
        let d = half(raw, at + 208)
        for n in 0..<2 {
            let ql = at + 64 * n, qh = at + 128 + 32 * n, sc = at + 192 + 8 * n
            let out = y + 128 * n
            for l in 0..<32 {
                let s = l / 16
                let low0 = byte(raw, ql + l), low1 = byte(raw, ql + l + 32), high = byte(raw, qh + l)
                let q1 = Int((low0 & 0x0F) | ((high & 3) << 4)) - 32
                let q2 = Int((low1 & 0x0F) | (((high >> 2) & 3) << 4)) - 32
                let q3 = Int((low0 >> 4) | (((high >> 4) & 3) << 4)) - 32
                let q4 = Int((low1 >> 4) | (((high >> 6) & 3) << 4)) - 32
                let scale = { (i: Int) in Float(Int8(bitPattern: byte(raw, sc + s + i))) }
                out[l] = d * scale(0) * Float(q1)
                out[l + 32] = d * scale(2) * Float(q2)
                out[l + 64] = d * scale(4) * Float(q3)
                out[l + 96] = d * scale(6) * Float(q4)
            }
        }
    }
}
