/// A seeded, counter-based random number generator (SplitMix64 over a counter).
///
/// The n-th output depends only on the seed and n, so a generator's whole state is two integers: it can be
/// saved in a checkpoint, restored, or skipped ahead without replaying draws.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable, Codable {
    /// The seed this stream was created with.
    public let seed: UInt64
    /// How many 64-bit values have been drawn.
    public var counter: UInt64

    /// A stream for `seed`, starting at draw `counter`.
    public init(seed: UInt64, counter: UInt64 = 0) {
        self.seed = seed
        self.counter = counter
    }

    /// An independent stream derived from this one's seed and a label (e.g. a layer index).
    public func substream(_ label: UInt64) -> SeededGenerator {
        SeededGenerator(seed: Self.mix(seed ^ Self.mix(label &+ 0x632B_E59B_D9B4_E019)))
    }

    @inlinable
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        counter &+= 1
        return Self.mix(seed &+ counter &* 0x9E37_79B9_7F4A_7C15)
    }

    /// A float uniformly distributed in [0, 1), with 24 random bits.
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Sixty-four `nextUniform() >= p` tests at once, without moving the stream: bit `b` of the result is set when
    /// the uniform of draw `counter + offset + b + 1` is at least `p`, for `b < bits` (the higher bits are 0).
    ///
    /// The same answers as drawing one by one, bit for bit: a uniform is `k / 2²⁴` with `k` the draw's top 24 bits,
    /// and `k / 2²⁴ ≥ p` exactly when `k ≥ ⌈p · 2²⁴⌉` (the product is exact in a float). The top 24 bits of a draw
    /// do not depend on its last shift, which is left out. Words at different offsets are independent, so a mask
    /// can be drawn in parallel parts.
    public func uniformBits(atLeast p: Float, offset: UInt64, bits: Int) -> UInt64 {
        if p.isNaN { return 0 }
        let threshold: UInt64 = p <= 0 ? 0 : p >= 1 ? 1 << 24 : UInt64((p * 16_777_216).rounded(.up))
        let step: UInt64 = 0x9E37_79B9_7F4A_7C15
        var x = seed &+ (counter &+ offset &+ 1) &* step
        var word: UInt64 = 0
        for b in 0..<min(64, bits) {
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            word |= (z >> 40 >= threshold ? 1 : 0) << UInt64(b)
            x &+= step
        }
        return word
    }

    /// A double uniformly distributed in [0, 1), with 53 random bits.
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A standard normal sample (Box–Muller, one value per two uniforms).
    public mutating func nextNormal() -> Double {
        let u1 = max(nextDouble(), Double.leastNonzeroMagnitude)
        let u2 = nextDouble()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }
}

#if canImport(Glibc)
import Glibc
@usableFromInline func _log(_ x: Double) -> Double { Glibc.log(x) }
@usableFromInline func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
import Darwin
@usableFromInline func _log(_ x: Double) -> Double { Darwin.log(x) }
@usableFromInline func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif
