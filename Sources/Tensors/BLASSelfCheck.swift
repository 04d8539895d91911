import Foundation

/// A numerical check of the loaded BLAS kernel (or of another product, such as oneDNN's matmul): SGEMM in all four transposes and SGEMV, at odd shapes that cross
/// the kernels' block edges, against float64 sums, on one thread and on every thread.
///
/// The bound per element is 2·K·ε·Σₖ|aᵢₖ·bₖⱼ| (+ the β·C term), twice the classic worst-case bound of a K-term
/// float32 dot product: any correct kernel, blocked or fused, stays inside it; a miscompiled or wrongly
/// dispatched one misses by orders of magnitude.
public enum BLASSelfCheck {
    /// The outcome of one check.
    public struct Result: Sendable, Codable, Equatable {
        /// Whether every element of every product stayed inside its bound.
        public var passed: Bool
        /// The largest error as a fraction of its bound (≤ 1 passes; NaN counts as infinite).
        public var worstRatio: Double
        /// The product where the worst error was seen.
        public var worstCase: String
        /// Thread counts checked.
        public var threads: [Int]
    }

    /// (m, n, k) of the SGEMM cases; m = 1 goes through SGEMV in `BLAS.sgemm`.
    static let shapes: [(Int, Int, Int)] = [(1, 37, 129), (7, 13, 5), (67, 45, 131), (33, 96, 64), (131, 257, 515)]

    /// A row-major SGEMM with `BLAS.sgemm`'s arguments (transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb,
    /// beta, c, ldc): the product under test.
    public typealias Product = @Sendable (Bool, Bool, Int, Int, Int, Float, UnsafePointer<Float>, Int, UnsafePointer<Float>, Int,
                                Float, UnsafeMutablePointer<Float>, Int) -> Void

    /// OpenBLAS's SGEMM as loaded (one row through its SGEMV, as `BLAS.sgemm` does), whatever the matmul backend.
    public static let loadedProduct: Product = { ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
        if m == 1 && !ta {
            BLAS.sgemv(transpose: !tb, m: tb ? n : k, n: tb ? k : n, alpha: alpha, a: b, lda: ldb, x: a, beta: beta, y: c)
        } else {
            BLAS.openblasSgemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
                               ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// Runs the check on the kernel loaded now, at 1 thread and at `threads`, restoring the thread count after.
    public static func run(threads: Int = BLAS.threads, product: Product = loadedProduct) -> Result {
        run(threadCounts: Array(Set([1, max(1, threads)])).sorted(), product: product)
    }

    /// Runs the check at each of `threadCounts`, restoring the thread count after. An empty list checks at the
    /// count in use without changing it: OpenBLAS's thread count is process-wide, and changing it while another
    /// thread of the process is inside BLAS (or trains, whose bits depend on it) is not safe.
    public static func run(threadCounts: [Int], product: Product) -> Result {
        let saved = BLAS.threads
        let counts = threadCounts.isEmpty ? [saved] : threadCounts
        defer { if BLAS.threads != saved { BLAS.threads = saved } }
        var worst = 0.0, worstCase = "none"
        var rng = SeededGenerator(seed: 0x51_4c_41_42)
        for t in counts {
            if BLAS.threads != t { BLAS.threads = t }
            for (m, n, k) in shapes {
                for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
                    for (alpha, beta) in [(Float(1), Float(0)), (Float(0.5), Float(-0.75))] {
                        let r = gemmError(m: m, n: n, k: k, transposeA: ta, transposeB: tb, alpha: alpha, beta: beta, product: product, rng: &rng)
                        if !(r <= worst) {
                            worst = r.isNaN ? .infinity : r
                            worstCase = "sgemm \(ta ? "T" : "N")\(tb ? "T" : "N") \(m)×\(n)×\(k) α=\(alpha) β=\(beta), \(t) thread\(t == 1 ? "" : "s")"
                        }
                    }
                }
            }
            for (m, n) in [(257, 131), (45, 1029)] {
                for transpose in [false, true] {
                    let r = gemvError(m: m, n: n, transpose: transpose, rng: &rng)
                    if !(r <= worst) {
                        worst = r.isNaN ? .infinity : r
                        worstCase = "sgemv \(transpose ? "T" : "N") \(m)×\(n), \(t) thread\(t == 1 ? "" : "s")"
                    }
                }
            }
        }
        return Result(passed: worst <= 1, worstRatio: worst, worstCase: worstCase, threads: counts)
    }

    static func random(_ count: Int, _ rng: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in Float.random(in: -1...1, using: &rng) }
    }

    /// Largest |C − C₆₄| / bound over the elements of one SGEMM with padded leading dimensions.
    static func gemmError(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, alpha: Float, beta: Float,
                          product: Product, rng: inout SeededGenerator) -> Double {
        // Stored shapes: A is m×k (k×m transposed), B is k×n (n×k transposed); rows padded by 3.
        let (ar, ac) = transposeA ? (k, m) : (m, k)
        let (br, bc) = transposeB ? (n, k) : (k, n)
        let lda = ac + 3, ldb = bc + 3, ldc = n + 3
        let a = random(ar * lda, &rng), b = random(br * ldb, &rng)
        var c = random(m * ldc, &rng)
        let c0 = c
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    product(transposeA, transposeB, m, n, k, alpha, pa.baseAddress!, lda, pb.baseAddress!, ldb, beta,
                            pc.baseAddress!, ldc)
                }
            }
        }
        let eps = Double(Float.ulpOfOne)
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0, magnitude = 0.0
                for p in 0..<k {
                    let x = Double(transposeA ? a[p * lda + i] : a[i * lda + p])
                    let y = Double(transposeB ? b[j * ldb + p] : b[p * ldb + j])
                    sum += x * y
                    magnitude += abs(x * y)
                }
                let betaTerm = beta == 0 ? 0 : Double(beta) * Double(c0[i * ldc + j])
                let exact = Double(alpha) * sum + betaTerm
                let bound = 2 * Double(k + 2) * eps * (abs(Double(alpha)) * magnitude + abs(betaTerm)) + Double(Float.leastNormalMagnitude)
                let error = abs(Double(c[i * ldc + j]) - exact)
                let ratio = error / bound
                if !(ratio <= worst) { worst = ratio.isNaN ? .infinity : ratio }
            }
            // Padding between rows must be left as it was.
            for j in n..<ldc where c[i * ldc + j].bitPattern != c0[i * ldc + j].bitPattern { worst = .infinity }
        }
        return worst
    }

    /// Largest |y − y₆₄| / bound of one SGEMV.
    static func gemvError(m: Int, n: Int, transpose: Bool, rng: inout SeededGenerator) -> Double {
        let lda = n + 5
        let a = random(m * lda, &rng)
        let xCount = transpose ? m : n, yCount = transpose ? n : m
        let x = random(xCount, &rng)
        var y = [Float](repeating: 0, count: yCount)
        a.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    BLAS.sgemv(transpose: transpose, m: m, n: n, a: pa.baseAddress!, lda: lda, x: px.baseAddress!, y: py.baseAddress!)
                }
            }
        }
        let eps = Double(Float.ulpOfOne)
        var worst = 0.0
        for i in 0..<yCount {
            var sum = 0.0, magnitude = 0.0
            for p in 0..<xCount {
                let w = Double(transpose ? a[p * lda + i] : a[i * lda + p])
                sum += w * Double(x[p])
                magnitude += abs(w * Double(x[p]))
            }
            let bound = 2 * Double(xCount + 2) * eps * magnitude + Double(Float.leastNormalMagnitude)
            let ratio = abs(Double(y[i]) - sum) / bound
            if !(ratio <= worst) { worst = ratio.isNaN ? .infinity : ratio }
        }
        return worst
    }
}
