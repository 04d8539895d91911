import Testing
@testable import Tensors

/// Rounding to bfloat16 against a reference computed in float64 (nearest of the two neighbours, ties to the even
/// one), and the bfloat16 product against float64 sums of the rounded inputs.
struct BFloat16Tests {
    /// The nearest bfloat16 to `x` (|x| < 2¹²⁷), found by comparing distances in float64.
    static func nearest(_ x: Float) -> Float {
        let down = Float(bitPattern: x.bitPattern & 0xFFFF_0000)  // toward zero
        if down == x { return x }
        let up = Float(bitPattern: (x.bitPattern & 0xFFFF_0000) &+ 0x1_0000)  // away from zero
        let dDown = abs(Double(x) - Double(down)), dUp = abs(Double(up) - Double(x))
        if dDown != dUp { return dDown < dUp ? down : up }
        return (down.bitPattern >> 16) & 1 == 0 ? down : up
    }

    @Test func knownValues() {
        #expect(BFloat16.rounded(1) == 1)
        #expect(BFloat16.rounded(1 + 0x1p-8) == 1)                    // a tie, to the even 1.0
        #expect(BFloat16.rounded(1 + 3 * 0x1p-8) == 1 + 0x1p-6)       // a tie, to the even 1 + 2⁻⁶
        #expect(BFloat16.rounded(1 + 0x1p-8 + 0x1p-20) == 1 + 0x1p-7) // just above the tie
        #expect(BFloat16.rounded(-1 - 0x1p-8 - 0x1p-20) == -1 - 0x1p-7)
        #expect(BFloat16.rounded(.infinity) == .infinity)
        #expect(BFloat16.rounded(-.infinity) == -.infinity)
        #expect(BFloat16.rounded(.greatestFiniteMagnitude) == .infinity)
        #expect(BFloat16.rounded(.nan).isNaN)
        #expect(BFloat16.rounded(Float(bitPattern: 0x7F80_0001)).isNaN)  // a NaN whose payload is in the low bits
        #expect(BFloat16.rounded(0x1p-130) == 0x1p-130)                  // a subnormal that is a bfloat16
        #expect(BFloat16.rounded(0x1p-140) == 0)                         // below its smallest subnormal, 2⁻¹³³
        #expect(BFloat16.bits(1) == 0x3F80)
    }

    @Test func randomValuesRoundToTheNearestBFloat16() {
        var rng = SeededGenerator(seed: 3)
        var wrong: [UInt32] = []
        for _ in 0..<200_000 {
            let x = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng))
            guard x.isFinite, x.magnitude < 0x1p127 else { continue }
            if BFloat16.rounded(x).bitPattern != Self.nearest(x).bitPattern { wrong.append(x.bitPattern) }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5).map { String($0, radix: 16) })")
    }

    /// The bfloat16 product (on the active backend) equals float64 sums of the rounded inputs within float32's
    /// accumulation bound, and is far from the float64 sums of the inputs as given: they were rounded.
    @Test func productIsTheProductOfRoundedInputs() {
        var rng = SeededGenerator(seed: 5)
        let (m, n, k) = (37, 53, 300)
        for (ta, tb) in [(false, true), (false, false), (true, false)] {
            let lda = (ta ? m : k) + 2, ldb = (tb ? k : n) + 1
            let a = (0..<((ta ? k : m) * lda)).map { _ in Float.random(in: -1...1, using: &rng) }
            let b = (0..<((tb ? n : k) * ldb)).map { _ in Float.random(in: -1...1, using: &rng) }
            var c = [Float](repeating: 0.5, count: m * n)
            let c0 = c
            var scratch = [Float](repeating: 0, count: a.count + b.count + 16)
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        scratch.withUnsafeMutableBufferPointer { ps in
                            BFloat16.gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, a: pa.baseAddress!, lda: lda,
                                          roundedA: false, b: pb.baseAddress!, ldb: ldb, roundedB: false, beta: 1,
                                          c: pc.baseAddress!, ldc: n, scratch: ps.baseAddress!)
                        }
                    }
                }
            }
            var worstRounded = 0.0, worstUnrounded = 0.0
            for i in 0..<m {
                for j in 0..<n {
                    var exact = Double(c0[i * n + j]), exactUnrounded = exact, magnitude = abs(exact)   // β = 1
                    for p in 0..<k {
                        let x = ta ? a[p * lda + i] : a[i * lda + p], y = tb ? b[j * ldb + p] : b[p * ldb + j]
                        let rx = Double(BFloat16.rounded(x)), ry = Double(BFloat16.rounded(y))
                        exact += rx * ry
                        exactUnrounded += Double(x) * Double(y)
                        magnitude += abs(rx * ry)
                    }
                    let bound = 2 * Double(k + 2) * Double(Float.ulpOfOne) * magnitude + 1e-30
                    worstRounded = max(worstRounded, abs(Double(c[i * n + j]) - exact) / bound)
                    worstUnrounded = max(worstUnrounded, abs(Double(c[i * n + j]) - exactUnrounded) / bound)
                }
            }
            #expect(worstRounded <= 1, "\(ta)\(tb): \(worstRounded)× the bound from the rounded inputs")
            // A float32 product stays far inside the bound (well under 0.1 of it); the rounded one leaves it.
            #expect(worstUnrounded > 2, "\(ta)\(tb): the product is the float32 one (\(worstUnrounded)× its bound)")
        }
    }

    /// oneDNN's bfloat16 matmul exists where the processor has bfloat16 arithmetic and computes the product of the
    /// bfloat16 inputs; where it cannot be set up (AVX2 machines) it fails with an error, and qlab emulates it.
    @Test func oneDNNBF16IsThereExactlyWhereTheCPUHasIt() throws {
        let (m, n, k) = (8, 16, 32)
        var rng = SeededGenerator(seed: 9)
        let a = (0..<(m * k)).map { _ in BFloat16.bits(Float.random(in: -1...1, using: &rng)) }
        let b = (0..<(k * n)).map { _ in BFloat16.bits(Float.random(in: -1...1, using: &rng)) }
        var c = [Float](repeating: 0, count: m * n)
        let run = {
            try a.withUnsafeBytes { pa in
                try b.withUnsafeBytes { pb in
                    try c.withUnsafeMutableBufferPointer { pc in
                        try OneDNN.matmul(transposeA: false, transposeB: false, m: m, n: n, k: k, a: pa.baseAddress!, aType: .bf16,
                                          lda: k, b: pb.baseAddress!, bType: .bf16, ldb: n, c: pc.baseAddress!, ldc: n)
                    }
                }
            }
        }
        do {
            try run()
        } catch is OneDNN.Unsupported {
            // Without AVX-512 (this oneDNN's bf16 needs at least AVX-512 F, emulated below AVX512_BF16).
            #expect(!OneDNN.hasNativeBF16, "oneDNN has no bf16 matmul on a CPU with bfloat16 arithmetic")
            return
        }
        for i in 0..<m {
            for j in 0..<n {
                var exact = 0.0, magnitude = 0.0
                for p in 0..<k {
                    let t = Double(Float(bitPattern: UInt32(a[i * k + p]) << 16)) * Double(Float(bitPattern: UInt32(b[p * n + j]) << 16))
                    exact += t
                    magnitude += abs(t)
                }
                #expect(abs(Double(c[i * n + j]) - exact) <= 2 * Double(k + 2) * Double(Float.ulpOfOne) * magnitude + 1e-30)
            }
        }
    }
}
