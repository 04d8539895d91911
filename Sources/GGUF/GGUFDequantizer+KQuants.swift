import Tensors

/// The K-quant super-blocks of 256 elements that Q4_K and Q6_K's neighbours use: Q2_K, Q3_K, Q5_K and Q8_K.
///
/// Each value is computed as llama.cpp's reference dequantizer and gguf-py compute it: the sub-block's scale is
/// first multiplied into the super-block's float32 `d` (`d·scale`), and only then applied to the quant, so the
/// float32 results agree bit for bit.
extension GGUFDequantizer {
    /// 16 scale bytes (low nibble the sub-block's scale, high nibble its minimum), 64 bytes of 2-bit quants,
    /// f16 d, f16 dmin. Each 32 quant bytes cover 128 elements: bit pair `s` of byte `l` is element 32s + l;
    /// sub-blocks are 16 elements; v = d·scale·q − dmin·min.
    @inline(__always)
    static func q2_K(_ raw: UnsafeRawBufferPointer, _ at: Int, _ y: UnsafeMutablePointer<Float>) {
        let d = half(raw, at + 80), dmin = half(raw, at + 82)
        for n in 0..<2 {
            let q = at + 16 + 32 * n
            for s in 0..<4 {
                let shift = UInt8(2 * s)
                for part in 0..<2 {
                    let sc = byte(raw, at + 8 * n + 2 * s + part)
                    let dl = d * Float(sc & 0x0F), ml = dmin * Float(sc >> 4)
                    let out = y + 128 * n + 32 * s + 16 * part
                    for l in 0..<16 {
                        out[l] = dl * Float((byte(raw, q + 16 * part + l) >> shift) & 3) - ml
                    }
                }
            }
        }
    }

    /// The signed 6-bit scale of Q3_K's sub-block `i` (0–15): its low four bits are a nibble of bytes 0–7
    /// (low nibbles for 0–7, high for 8–15), its top two bits a pair of bytes 8–11.
    @inline(__always)
    static func q3_KScale(_ raw: UnsafeRawBufferPointer, _ scales: Int, _ i: Int) -> Float {
        let low = i < 8 ? byte(raw, scales + i) & 0x0F : byte(raw, scales + i - 8) >> 4
        let high = (byte(raw, scales + 8 + i % 4) >> UInt8(2 * (i / 4))) & 3
        return Float(Int(low | (high << 4)) - 32)
    }

    /// 32 bytes of high bits, 64 bytes of 2-bit quants, 12 bytes of 6-bit scales, f16 d. Element 128n + 32s + l
    /// takes bit pair `s` of quant byte 32n + l and bit 4n + s of high-bit byte l; a clear high bit subtracts 4;
    /// sub-blocks are 16 elements; v = d·(scale − 32)·q.
    @inline(__always)
    static func q3_K(_ raw: UnsafeRawBufferPointer, _ at: Int, _ y: UnsafeMutablePointer<Float>) {
        let d = half(raw, at + 108)
        let hmask = at, qs = at + 32, scales = at + 96
        for n in 0..<2 {
            for s in 0..<4 {
                let shift = UInt8(2 * s), bit = UInt8(1) << UInt8(4 * n + s)
                for part in 0..<2 {
                    let dl = d * q3_KScale(raw, scales, 8 * n + 2 * s + part)
                    let out = y + 128 * n + 32 * s + 16 * part
                    for l in 0..<16 {
                        let index = 16 * part + l
                        let low = Int((byte(raw, qs + 32 * n + index) >> shift) & 3)
                        let q = low - (byte(raw, hmask + index) & bit != 0 ? 0 : 4)
                        out[l] = dl * Float(q)
                    }
                }
            }
        }
    }

    /// f16 d, f16 dmin, 12 bytes of 6-bit scales and minimums packed as in Q4_K, 32 bytes of fifth bits, 128
    /// bytes of nibbles. Each 64 elements share 32 nibble bytes as in Q4_K; the fifth bit of element 64c + l
    /// (low nibble) is bit 2c of byte l, of element 64c + 32 + l (high nibble) bit 2c + 1; v = d·scale·q − dmin·min.
    @inline(__always)
    static func q5_K(_ raw: UnsafeRawBufferPointer, _ at: Int, _ y: UnsafeMutablePointer<Float>) {
        let d = half(raw, at), dmin = half(raw, at + 2)
        let qh = at + 16, ql = at + 48
        for c in 0..<4 {
            let (sc1, mn1) = scaleMin(raw, at + 4, 2 * c)
            let (sc2, mn2) = scaleMin(raw, at + 4, 2 * c + 1)
            let d1 = d * sc1, m1 = dmin * mn1, d2 = d * sc2, m2 = dmin * mn2
            let lowBit = UInt8(1) << UInt8(2 * c), highBit = UInt8(2) << UInt8(2 * c)
            for l in 0..<32 {
                let q = byte(raw, ql + 32 * c + l), h = byte(raw, qh + l)
                y[64 * c + l] = d1 * Float((q & 0x0F) | (h & lowBit != 0 ? 16 : 0)) - m1
                y[64 * c + 32 + l] = d2 * Float((q >> 4) | (h & highBit != 0 ? 16 : 0)) - m2
            }
        }
    }

    /// f32 d, 256 int8 quants, 16 int16 sums of 16 quants each (used by dot products only): v = d·q.
    @inline(__always)
    static func q8_K(_ raw: UnsafeRawBufferPointer, _ at: Int, _ y: UnsafeMutablePointer<Float>) {
        let d = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
        for j in 0..<256 { y[j] = d * Float(Int8(bitPattern: byte(raw, at + 4 + j))) }
    }
}
