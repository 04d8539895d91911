/// A 4-bit codebook: the value of every code, and the nearest-code rule that bitsandbytes uses to pick one.
///
/// Rounding is "nearest code by float32 midpoints, a value exactly on a midpoint takes the lower code",
/// which is what both bitsandbytes' CUDA kernels (strict `x > threshold` trees) and its CPU backend
/// (`bucketize(right=False)`) do, so packed bytes match theirs exactly.
public struct FourBitCodebook: Sendable, Equatable {
    /// Value of each code (index = code), within [−1, 1].
    public let values: [Float]
    /// The code whose value is exactly zero; an all-zero block and odd-length padding use it.
    public let zeroCode: UInt8
    /// Both decoded values of every packed byte, high nibble first: one 8-byte load decodes a byte.
    public let pairs: [SIMD2<Float>]
    /// Midpoints between adjacent candidate values in ascending order, padded with +∞ to a power of two
    /// so the branch-free search below needs no bounds checks.
    @usableFromInline let thresholds: [Float]
    /// The code of the candidate at each ascending rank.
    @usableFromInline let codeForRank: [UInt8]
    /// FP4 encodes the sign in bit 3 and rounds the magnitude; the other types round the signed value.
    @usableFromInline let signMagnitude: Bool

    /// NormalFloat4 exactly as bitsandbytes (`get_4bit_type("nf4")`, CUDA `nf4_dequantization_lut`).
    public static let nf4 = FourBitCodebook(values: [
        -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
        -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
        0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
        0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
    ], candidates: Array(0..<16), signMagnitude: false, zeroCode: 7)

    /// bitsandbytes' FP4 (`get_4bit_type("fp4")`): bit 3 is the sign, the raw magnitudes are divided by 12.
    public static let fp4: FourBitCodebook = {
        // Index = bit pattern. Code 8 ("−0") holds +0, as bitsandbytes' table does.
        let raw: [Float] = [0, 0.0625, 8, 12, 4, 6, 2, 3, 0, -0.0625, -8, -12, -4, -6, -2, -3]
        let values = raw.map { $0 / 12 }
        // Magnitude codes in ascending order of value: 0, 0.0625, 2, 3, 4, 6, 8, 12.
        return FourBitCodebook(values: values, candidates: [0, 1, 6, 7, 4, 5, 2, 3], signMagnitude: true, zeroCode: 0)
    }()

    /// Symmetric Int4: code c (0…14) is (c − 7)/7 in float32, so absmax maps to ±7 and zero to code 7.
    /// Code 15 is never written; it decodes to 0 so that a stray byte cannot exceed the block's absmax.
    public static let int4: FourBitCodebook = {
        var values = (0..<15).map { Float($0 - 7) / 7 }
        values.append(0)
        return FourBitCodebook(values: values, candidates: Array(0..<15), signMagnitude: false, zeroCode: 7)
    }()

    /// `candidates` lists, in ascending order of value, the codes that rounding may produce.
    init(values: [Float], candidates: [UInt8], signMagnitude: Bool, zeroCode: UInt8) {
        precondition(values.count == 16, "a 4-bit codebook has 16 values")
        self.values = values
        self.zeroCode = zeroCode
        self.signMagnitude = signMagnitude
        codeForRank = candidates
        let sorted = candidates.map { values[Int($0)] }
        var thresholds = zip(sorted, sorted.dropFirst()).map { ($0 + $1) / 2 }
        var padded = 1
        while padded < thresholds.count + 1 { padded *= 2 }
        thresholds += Array(repeating: .infinity, count: padded - thresholds.count)
        self.thresholds = thresholds
        pairs = (0..<256).map { SIMD2(values[$0 >> 4], values[$0 & 15]) }
    }

    /// The code for `x`, a value already divided by its block's absmax (so within [−1, 1] up to rounding).
    @inlinable
    public func code(for x: Float) -> UInt8 {
        thresholds.withUnsafeBufferPointer { t in
            codeForRank.withUnsafeBufferPointer { codes in
                code(for: x, thresholds: t, codes: codes)
            }
        }
    }

    /// The search itself, over buffers the caller resolved once for a whole block.
    @inlinable @inline(__always)
    func code(for x: Float, thresholds t: UnsafeBufferPointer<Float>, codes: UnsafeBufferPointer<UInt8>) -> UInt8 {
        // Rank = number of thresholds strictly below the value, so a value on a midpoint takes the lower code.
        let v = signMagnitude ? abs(x) : x
        var rank = 0
        var step = t.count / 2
        while step > 0 {
            if v > t[rank + step - 1] { rank += step }
            step /= 2
        }
        let code = codes[rank]
        return signMagnitude && x < 0 ? code | 0b1000 : code
    }
}
