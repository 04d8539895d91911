/// Matrix products of tensors viewed as matrices (all dimensions but the last are rows).
extension Tensor {
    /// `op(self) · op(other)` through SGEMM, where op transposes when asked.
    ///
    /// `self` is viewed as rows×columns; with `transposeSelf` the product uses its transpose.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        let m = transposeSelf ? columns : rows
        let k = transposeSelf ? rows : columns
        let kOther = transposeOther ? other.columns : other.rows
        let n = transposeOther ? other.rows : other.columns
        precondition(k == kOther, "matmul: inner dimensions differ (\(shape) vs \(other.shape))")
        var out = Tensor(zeros: [m, n])
        if m == 0 || n == 0 || k == 0 { return out }
        scalars.withUnsafeBufferPointer { a in
            other.scalars.withUnsafeBufferPointer { b in
                out.scalars.withUnsafeMutableBufferPointer { c in
                    BLAS.sgemm(
                        transposeA: transposeSelf, transposeB: transposeOther,
                        m: m, n: n, k: k,
                        a: a.baseAddress!, lda: max(1, columns),
                        b: b.baseAddress!, ldb: max(1, other.columns),
                        c: c.baseAddress!, ldc: max(1, n)
                    )
                }
            }
        }
        return out
    }
}
