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
        cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, blasint(m), blasint(n),
                    alpha, a, blasint(lda), x, 1, beta, y, 1)
    }

    /// The number of threads OpenBLAS uses for the next calls.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
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
