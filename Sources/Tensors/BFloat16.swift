/// The precision of the frozen base's matrix products.
public enum ComputePrecision: String, Sendable, CaseIterable, Codable {
    /// float32 inputs and accumulation (the default).
    case float32
    /// Inputs rounded to bfloat16 (round to nearest, ties to even), float32 accumulation: QLoRA's
    /// `bnb_4bit_compute_dtype=bfloat16`. A product of two bfloat16 values is exact in float32 (8 + 8 significant
    /// bits), so rounding the inputs and multiplying with the float32 GEMM computes what a bfloat16 GEMM with
    /// float32 accumulation computes, up to the order of the sums: an exact emulation on any processor.
    case bf16
}

/// bfloat16: the upper 16 bits of a float32.
public enum BFloat16 {
    /// `x` rounded to the nearest bfloat16 (ties to even), as a float32. NaN stays NaN (made quiet), ±∞ stays,
    /// values beyond the largest bfloat16 round to ±∞.
    @inlinable @inline(__always)
    public static func rounded(_ x: Float) -> Float {
        Float(bitPattern: UInt32(bits(x)) << 16)
    }

    /// The 16 bits of `x` rounded to the nearest bfloat16 (ties to even).
    @inlinable @inline(__always)
    public static func bits(_ x: Float) -> UInt16 {
        let b = x.bitPattern
        if x.isNaN { return UInt16(truncatingIfNeeded: (b | 0x0040_0000) >> 16) }
        let lsb = (b >> 16) & 1
        return UInt16(truncatingIfNeeded: (b &+ 0x7FFF &+ lsb) >> 16)
    }

    /// Rounds `count` floats at `x` to bfloat16 in place.
    @inlinable
    public static func round(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] = rounded(x[i]) }
    }

    /// Writes `count` floats from `source`, rounded to bfloat16, to `destination` (as float32).
    @inlinable
    public static func round(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { destination[i] = rounded(source[i]) }
    }

    /// Writes the bfloat16 bits of `count` floats from `source` to `destination` (for oneDNN's bf16 matmul).
    @inlinable
    public static func convert(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<UInt16>, count: Int) {
        for i in 0..<count { destination[i] = bits(source[i]) }
    }

    /// Row-major `C = op(A)·op(B) + β·C` with A and B rounded to bfloat16 and float32 accumulation, `BLAS.sgemm`'s
    /// arguments. `roundedA`/`roundedB` say the input already holds bfloat16 values (no copy is made for it);
    /// `scratch` must hold the elements of each input still to be rounded (A first, then B, each as stored).
    ///
    /// Uses oneDNN's bf16 matmul when the processor has bfloat16 arithmetic and the oneDNN backend is active;
    /// otherwise rounds the inputs and calls the float32 product (the same values; see `ComputePrecision.bf16`).
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, lda: Int, roundedA: Bool,
                            b: UnsafePointer<Float>, ldb: Int, roundedB: Bool,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int,
                            scratch: UnsafeMutablePointer<Float>) {
        if m == 0 || n == 0 { return }
        let aCount = stored(rows: transposeA ? k : m, columns: transposeA ? m : k, stride: lda)
        let bCount = stored(rows: transposeB ? n : k, columns: transposeB ? k : n, stride: ldb)
        if MatmulBackend.active == .onednn, OneDNN.hasNativeBF16, k > 0 {
            // Native: both inputs as bfloat16 bits (half the floats' room each), float32 output.
            let a16 = UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: UInt16.self)
            let b16 = a16 + aCount
            Parallel.forEachPart(aCount) { part in
                convert(a + part.lowerBound, into: a16 + part.lowerBound, count: part.count)
            }
            Parallel.forEachPart(bCount) { part in
                convert(b + part.lowerBound, into: b16 + part.lowerBound, count: part.count)
            }
            do {
                try OneDNN.matmul(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                  a: UnsafeRawPointer(a16), aType: .bf16, lda: lda, b: UnsafeRawPointer(b16), bType: .bf16,
                                  ldb: ldb, beta: beta, c: c, ldc: ldc)
                return
            } catch {
                // No bf16 implementation after all: the emulation below gives the same values.
            }
        }
        var pa = a, pb = b
        if !roundedA {
            Parallel.forEachPart(aCount) { part in
                round(a + part.lowerBound, into: scratch + part.lowerBound, count: part.count)
            }
            pa = UnsafePointer(scratch)
        }
        if !roundedB {
            let target = scratch + (roundedA ? 0 : aCount)
            Parallel.forEachPart(bCount) { part in
                round(b + part.lowerBound, into: target + part.lowerBound, count: part.count)
            }
            pb = UnsafePointer(target)
        }
        BLAS.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: pa, lda: lda, b: pb, ldb: ldb,
                   beta: beta, c: c, ldc: ldc)
    }

    /// Elements spanned by a row-major matrix of `rows` rows with row stride `stride` (the last row unpadded).
    @inlinable
    public static func stored(rows: Int, columns: Int, stride: Int) -> Int {
        rows == 0 ? 0 : (rows - 1) * stride + columns
    }
}
