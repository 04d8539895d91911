import Testing
@testable import Tensors

/// SGEMM through every transpose combination, held against a float64 product computed here.
struct MatmulTests {
    static func random(_ shape: [Int], _ rng: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.nextUniform() * 2 - 1 })
    }

    /// Element (i, j) of op(x), where op transposes when asked.
    static func element(_ x: Tensor, _ transposed: Bool, _ i: Int, _ j: Int) -> Double {
        Double(transposed ? x[j, i] : x[i, j])
    }

    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (1, 7, 5), (9, 1, 4), (5, 6, 1), (3, 4, 5), (17, 33, 65), (64, 40, 128), (1, 300, 129), (200, 3, 77),
    ]

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matchesFloat64Reference(transposeA: Bool, transposeB: Bool) {
        var rng = SeededGenerator(seed: 42)
        for (m, n, k) in Self.shapes {
            let a = Self.random(transposeA ? [k, m] : [m, k], &rng)
            let b = Self.random(transposeB ? [n, k] : [k, n], &rng)
            let c = a.matmul(b, transposeSelf: transposeA, transposeOther: transposeB)
            #expect(c.shape == [m, n])
            var worst = 0.0
            for i in 0..<m {
                for j in 0..<n {
                    var reference = 0.0
                    var magnitude = 0.0
                    for p in 0..<k {
                        let term = Self.element(a, transposeA, i, p) * Self.element(b, transposeB, p, j)
                        reference += term
                        magnitude += abs(term)
                    }
                    // float32 accumulation error grows with k and the terms' magnitude.
                    let tolerance = 4 * Double(Float.ulpOfOne) * magnitude * Double(k).squareRoot() + 1e-30
                    worst = max(worst, abs(Double(c[i, j]) - reference) / tolerance)
                }
            }
            #expect(worst <= 1, "m=\(m) n=\(n) k=\(k) tA=\(transposeA) tB=\(transposeB): error \(worst) × tolerance")
        }
    }

    /// y = alpha·op(A)·x + beta·y against float64, both orientations, A inside a wider row stride.
    @Test(arguments: [false, true])
    func sgemvMatchesFloat64Reference(transpose: Bool) {
        var rng = SeededGenerator(seed: 9)
        for (m, n) in [(1, 1), (1, 7), (7, 1), (33, 65), (576, 1536)] {
            let lda = n + 3
            let a = (0..<(m * lda)).map { _ in rng.nextUniform() - 0.5 }
            let xCount = transpose ? m : n, yCount = transpose ? n : m
            let x = (0..<xCount).map { _ in rng.nextUniform() - 0.5 }
            let y0 = (0..<yCount).map { _ in rng.nextUniform() - 0.5 }
            var y = y0
            BLAS.sgemv(transpose: transpose, m: m, n: n, alpha: 1.5, a: a, lda: lda, x: x, beta: 0.25, y: &y)
            for i in 0..<yCount {
                var reference = 0.25 * Double(y0[i]), magnitude = abs(reference)
                for p in 0..<xCount {
                    let element = transpose ? a[p * lda + i] : a[i * lda + p]
                    let term = 1.5 * Double(element) * Double(x[p])
                    reference += term
                    magnitude += abs(term)
                }
                let tolerance = 4 * Double(Float.ulpOfOne) * magnitude * Double(xCount).squareRoot() + 1e-30
                #expect(abs(Double(y[i]) - reference) <= tolerance, "m=\(m) n=\(n) transpose=\(transpose) i=\(i)")
            }
        }
    }

    /// One row of A takes SGEMV inside `sgemm`: the result still matches float64, for both layouts of B.
    @Test(arguments: [false, true])
    func oneRowProductsMatchFloat64(transposeB: Bool) {
        var rng = SeededGenerator(seed: 5)
        let (n, k) = (300, 77)
        let a = (0..<k).map { _ in rng.nextUniform() - 0.5 }
        let b = (0..<(n * k)).map { _ in rng.nextUniform() - 0.5 }
        let c0 = (0..<n).map { _ in rng.nextUniform() - 0.5 }
        var c = c0
        BLAS.sgemm(transposeA: false, transposeB: transposeB, m: 1, n: n, k: k, alpha: 2, a: a, lda: k,
                   b: b, ldb: transposeB ? k : n, beta: 0.5, c: &c, ldc: n)
        for j in 0..<n {
            var reference = 0.5 * Double(c0[j]), magnitude = abs(reference)
            for p in 0..<k {
                let term = 2 * Double(a[p]) * Double(transposeB ? b[j * k + p] : b[p * n + j])
                reference += term
                magnitude += abs(term)
            }
            #expect(abs(Double(c[j]) - reference) <= 4 * Double(Float.ulpOfOne) * magnitude * Double(k).squareRoot(), "column \(j)")
        }
    }

    @Test func alphaBetaAndStridesThroughRawSGEMM() {
        // C (2×3, stored with row stride 5) = 2·A·B + 0.5·C, A 2×4 inside a stride-6 buffer.
        var rng = SeededGenerator(seed: 7)
        let a = (0..<12).map { _ in rng.nextUniform() }
        let b = (0..<12).map { _ in rng.nextUniform() }
        var c = (0..<10).map { _ in rng.nextUniform() }
        let before = c
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    BLAS.sgemm(transposeA: false, transposeB: false, m: 2, n: 3, k: 4, alpha: 2,
                               a: pa.baseAddress!, lda: 6, b: pb.baseAddress!, ldb: 3, beta: 0.5,
                               c: pc.baseAddress!, ldc: 5)
                }
            }
        }
        for i in 0..<2 {
            for j in 0..<5 {
                guard j < 3 else {
                    #expect(c[i * 5 + j] == before[i * 5 + j], "padding column written")
                    continue
                }
                var reference = 0.5 * Double(before[i * 5 + j])
                for p in 0..<4 { reference += 2 * Double(a[i * 6 + p]) * Double(b[p * 3 + j]) }
                #expect(abs(Double(c[i * 5 + j]) - reference) < 1e-5)
            }
        }
    }

    @Test func emptyInnerDimensionGivesZeros() {
        let a = Tensor(zeros: [3, 0])
        let b = Tensor(zeros: [0, 2])
        #expect(a.matmul(b) == Tensor(zeros: [3, 2]))
    }

    @Test func reportsTheKernelFamily() {
        #expect(!BLAS.coreName.isEmpty && BLAS.coreName != "unknown")
    }
}
