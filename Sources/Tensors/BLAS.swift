import CBLAS

/// Thin, checked entry points into OpenBLAS; matrix products go to the active backend (`MatmulBackend.active`:
/// OpenBLAS unless oneDNN was selected).
public enum BLAS {
    /// Row-major `C = alpha · op(A) · op(B) + beta · C`, where op(A) is m×k and op(B) is k×n.
    ///
    /// `lda`, `ldb`, `ldc` are the row strides of A, B and C as stored (before transposition). A single row
    /// of A (m = 1) goes through OpenBLAS's SGEMV under either backend; the rest goes to `MatmulBackend.active`.
    @inlinable
    public static func sgemm(
        transposeA: Bool, transposeB: Bool,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if m == 1 && !transposeA {
            // One row (decoding a token): as a matrix-vector product B is read once; SGEMM would pack it first,
            // which for a large B (an output layer) costs more than the product.
            sgemv(transpose: !transposeB, m: transposeB ? n : k, n: transposeB ? k : n, alpha: alpha,
                  a: b, lda: ldb, x: a, beta: beta, y: c)
            return
        }
        MatmulBackend.active.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                                   a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// OpenBLAS's SGEMM itself, whatever the active backend (the reference; `BLAS.sgemm` takes the active one).
    ///
    /// OpenBLAS runs on one thread per call; a product of at least `splitMinimum` multiply-adds is cut into one
    /// block per `WorkerPool` thread, along the longer side of C (rows, or columns), at multiples of
    /// `splitAlignment`: each block is a complete SGEMM of its own, and each part packs the other operand whole,
    /// the smaller of the two. Every element of C is still one dot product over all of K, summed by the same
    /// kernel.
    @inlinable
    public static func openblasSgemm(
        transposeA: Bool, transposeB: Bool,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        let rows = n <= m, extent = rows ? m : n
        let parts = splitParts(extent, work: m * n * max(k, 1))
        if parts <= 1 {
            cblasSgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            return
        }
        WorkerPool.shared.run(parts: parts) { part in
            let range = splitRange(extent, part: part, of: parts)
            if range.isEmpty { return }
            if rows {
                cblasSgemm(transposeA, transposeB, range.count, n, k, alpha,
                           transposeA ? a + range.lowerBound : a + range.lowerBound * lda, lda, b, ldb,
                           beta, c + range.lowerBound * ldc, ldc)
            } else {
                cblasSgemm(transposeA, transposeB, m, range.count, k, alpha, a, lda,
                           transposeB ? b + range.lowerBound * ldb : b + range.lowerBound, ldb,
                           beta, c + range.lowerBound, ldc)
            }
        }
    }

    /// Products smaller than this many multiply-adds run whole on the calling thread.
    public static let splitMinimum = 1 << 17

    /// Blocks of a split product start at multiples of this many rows or columns (the kernels' register tiles
    /// divide it), so that no block starts inside a tile.
    public static let splitAlignment = 16

    /// How many blocks a product of `work` multiply-adds is cut into along a side of `extent`: one per pool thread,
    /// no block narrower than `splitAlignment`, and one when the work is under `splitMinimum`.
    @inlinable
    public static func splitParts(_ extent: Int, work: Int) -> Int {
        min(WorkerPool.shared.size, extent / splitAlignment, work >= splitMinimum ? extent : 1)
    }

    /// Part `part` of `parts` of `0..<extent`, its start a multiple of `splitAlignment`.
    @inlinable
    public static func splitRange(_ extent: Int, part: Int, of parts: Int) -> Range<Int> {
        let bound = { (p: Int) in p >= parts ? extent : min(extent, (extent * p / parts + splitAlignment / 2) / splitAlignment * splitAlignment) }
        return bound(part)..<max(bound(part), bound(part + 1))
    }

    @inlinable
    static func cblasSgemm(_ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                           _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
                           _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k),
            alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc)
        )
    }

    /// Row-major `y = alpha · op(A) · x + beta · y` with A stored m×n (row stride `lda`); op(A) is A or Aᵀ.
    ///
    /// For one row of activations this is what SGEMM would do, without packing the whole of A first: the
    /// product reads A once, which is what decoding a token with a large weight needs.
    @inlinable
    public static func sgemv(
        transpose: Bool, m: Int, n: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>,
        beta: Float = 0,
        y: UnsafeMutablePointer<Float>
    ) {
        if m == 0 || n == 0 { return }
        // Split like SGEMM, by the rows of y: rows of A, or (transposed) its columns.
        let extent = transpose ? n : m
        let parts = splitParts(extent, work: m * n)
        if parts <= 1 {
            cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, blasint(m), blasint(n),
                        alpha, a, blasint(lda), x, 1, beta, y, 1)
            return
        }
        WorkerPool.shared.run(parts: parts) { part in
            let range = splitRange(extent, part: part, of: parts)
            if range.isEmpty { return }
            if transpose {
                cblas_sgemv(CblasRowMajor, CblasTrans, blasint(m), blasint(range.count), alpha, a + range.lowerBound,
                            blasint(lda), x, 1, beta, y + range.lowerBound, 1)
            } else {
                cblas_sgemv(CblasRowMajor, CblasNoTrans, blasint(range.count), blasint(n), alpha,
                            a + range.lowerBound * lda, blasint(lda), x, 1, beta, y + range.lowerBound, 1)
            }
        }
    }

    /// The threads products and loops use (`WorkerPool`'s size; OpenBLAS itself runs each call on one thread).
    public static var threads: Int {
        get { WorkerPool.shared.size }
        set { WorkerPool.shared.size = newValue }
    }

    /// Sets OpenBLAS to one thread per call and returns the thread count it had (its default: the cores, or
    /// `OPENBLAS_NUM_THREADS`), with which `WorkerPool` starts.
    static func pinOpenBLASToOneThread() -> Int {
        let own = Int(openblas_get_num_threads())
        openblas_set_num_threads(1)
        return max(1, own)
    }

    /// The kernel family OpenBLAS selected for this processor (e.g. "Haswell"); bits differ between them.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's build configuration string.
    public static var configuration: String {
        guard let config = openblas_get_config() else { return "unknown" }
        return String(cString: config)
    }
}
