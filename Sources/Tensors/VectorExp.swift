/// e^x for eight floats at once, for the loops that take an exponential per element (softmax, the cross-entropy
/// head, SwiGLU's sigmoid): the C library's `expf` is one call per element and keeps those loops scalar.
///
/// x = n·ln 2 + r with n = round(x / ln 2) and |r| ≤ ln 2 / 2, ln 2 split in two parts so that n·ln 2 is exact;
/// e^r by its Taylor series to r⁷ (the first term left out, r⁸/8!, is below 6·10⁻⁹ of the result, a tenth of a
/// float's spacing); then 2ⁿ from the exponent bits. Within 2 units in the last place of the correctly rounded
/// value over the whole range (a test holds it to float64). Below −87.33 (where e^x leaves the normal floats)
/// the result is 0, and −∞ gives 0, as a masked logit needs; above 88.37 it is +∞ (a little before the float
/// range ends at 88.72, so that 2ⁿ stays a float). NaN stays NaN.
///
/// Every element goes through the same operations whichever lane it sits in, so a loop that handles its last
/// few elements by padding a vector gives the same bits as one that does not, however a range is split.
public enum VectorExp {
    @usableFromInline static let log2e: Float = 1.442_695_04
    /// ln 2 = hi + lo, hi with few enough significant bits that n·hi is exact for |n| ≤ 128.
    @usableFromInline static let ln2Hi: Float = 0.693_145_751_953_125
    @usableFromInline static let ln2Lo: Float = 1.428_606_765_330_187_0e-6
    /// Where e^x stops being a normal float (below) and where 2ⁿ would (above).
    @usableFromInline static let lowest: Float = -87.33
    @usableFromInline static let highest: Float = 88.37
    /// 1.5·2²³: adding it rounds a float of magnitude below 2²² to an integer, kept in the sum's low bits.
    @usableFromInline static let magic: Float = 12_582_912

    /// e^x lane by lane.
    @inlinable
    public static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        var clamped = x
        clamped.replace(with: lowest, where: x .< lowest)
        clamped.replace(with: highest, where: x .> highest)
        // n = round(x / ln 2) to nearest even by adding and subtracting 1.5·2²³: in that sum the float's last bits
        // hold n itself (its bits are 0x4B40_0000 + n), which gives 2ⁿ below with integer operations only.
        let shifted = clamped * log2e + magic
        let n = shifted - magic
        let r = (clamped - n * ln2Hi) - n * ln2Lo
        // Horner's form of 1 + r + r²/2! + … + r⁷/7!.
        var p = SIMD8<Float>(repeating: 1 / 5040)
        p = p * r + 1 / 720
        p = p * r + 1 / 120
        p = p * r + 1 / 24
        p = p * r + 1 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        // 2ⁿ: n + 127 in the exponent field (n is in −126 … 127 after the clamp).
        let exponent = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        let twoN = unsafeBitCast(exponent, to: SIMD8<Float>.self)
        var result = p * twoN
        result.replace(with: 0, where: x .< lowest)
        result.replace(with: .infinity, where: x .> highest)
        result.replace(with: x, where: x .!= x)
        return result
    }

    /// e^x of one float, by the same operations as a lane of `exp(_: SIMD8<Float>)`.
    @inlinable
    public static func exp(_ x: Float) -> Float {
        exp(SIMD8(repeating: x))[0]
    }

    /// Replaces each of `count` values by e^(value − `maximum`), eight at a time (the last few padded with −∞,
    /// whose exponential adds 0), and returns their sum: the exponentials of a softmax.
    @inlinable
    public static func exponentiate(_ v: UnsafeMutablePointer<Float>, count: Int, subtracting maximum: Float) -> Float {
        var sums = SIMD8<Float>.zero
        var i = 0
        while i < count {
            let m = Swift.min(8, count - i)
            let e = exp(load(v + i, count: m, pad: -.infinity) - maximum)
            store(e, v + i, count: m)
            sums += e
            i += 8
        }
        return sums.sum()
    }

    /// Eight floats from `p` (fewer when `count` < 8, the rest padded with `pad`).
    @inlinable
    public static func load(_ p: UnsafePointer<Float>, count: Int, pad: Float = 0) -> SIMD8<Float> {
        if count >= 8 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
        var v = SIMD8<Float>(repeating: pad)
        for i in 0..<count { v[i] = p[i] }
        return v
    }

    /// Stores the first `min(count, 8)` lanes of `v` at `p`.
    @inlinable
    public static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, count: Int) {
        if count >= 8 {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
            return
        }
        for i in 0..<count { p[i] = v[i] }
    }
}
