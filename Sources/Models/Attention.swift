import Tensors

/// Grouped-query causal attention over row-major buffers, one SGEMM pair per (sequence, head), the pairs split
/// across the pool's threads.
public enum Attention {
    /// Computes `out = softmax(q·kᵀ/√d + mask) · v` for `batch` sequences.
    ///
    /// - `q`: `batch × queries` rows of width `heads·headDim`; query i of a sequence sits at absolute position
    ///   `offset + i` and sees keys 0...offset+i.
    /// - `k`, `v`: for sequence b, key j is the row at `k + b·kvBatchStride + j·kvWidth`.
    /// - `keyMask`: optional `batch × keys` 0/1 values; a 0 hides that key from every query (padding).
    /// - `probabilities`: when given, receives the `batch × heads × queries × keys` attention weights.
    /// - `scale`: the factor on q·kᵀ (1/√headDim when nil); `window`: when given, a query at position p sees only
    ///   keys p − window + 1 ... p (sliding-window attention).
    public static func forward(
        batch: Int, queries: Int, keys: Int, offset: Int,
        heads: Int, kvHeads: Int, headDim: Int,
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, kvBatchStride: Int,
        keyMask: UnsafePointer<Int32>?, out: UnsafeMutablePointer<Float>,
        scores: UnsafeMutablePointer<Float>, probabilities: UnsafeMutablePointer<Float>? = nil,
        scale: Float? = nil, window: Int? = nil
    ) {
        let qWidth = heads * headDim
        let kvWidth = kvHeads * headDim
        let group = heads / kvHeads
        let scale = scale ?? 1 / Float(headDim).squareRoot()
        // (sequence, head) pairs on the pool's threads, each pair whole on one thread with its own scores; inside a
        // pair the products and loops run as they would alone (the pool is busy), so the bits do not change.
        let pairWork = queries * min(keys, offset + queries) * headDim
        Attention.forEachPair(batch * heads, work: pairWork, scratch: probabilities == nil ? queries * keys : 0) { pair, spare in
            let b = pair / heads, h = pair % heads
            let kvh = h / group
            let qb = q + b * queries * qWidth + h * headDim
            let kb = k + b * kvBatchStride + kvh * headDim
            let vb = v + b * kvBatchStride + kvh * headDim
            let s = probabilities.map { $0 + ((b * heads + h) * queries) * keys } ?? (spare ?? scores)
            BLAS.sgemm(transposeA: false, transposeB: true, m: queries, n: keys, k: headDim, alpha: scale,
                       a: qb, lda: qWidth, b: kb, ldb: kvWidth, c: s, ldc: keys)
            Parallel.forEachPart(queries, cost: 8 * min(keys, offset + queries)) { rows in
                for i in rows {
                    let row = s + i * keys
                    let visible = min(keys, offset + i + 1)
                    if let keyMask {
                        let m = keyMask + b * keys
                        for j in 0..<visible where m[j] == 0 { row[j] = -.infinity }
                    }
                    if let window {
                        for j in 0..<max(0, min(visible, offset + i + 1 - window)) { row[j] = -.infinity }
                    }
                    // Keys after the query's position get weight 0 without an exponential each.
                    Kernels.softmax(row, count: visible)
                    (row + visible).update(repeating: 0, count: keys - visible)
                }
            }
            BLAS.sgemm(transposeA: false, transposeB: false, m: queries, n: headDim, k: keys,
                       a: s, lda: keys, b: vb, ldb: kvWidth, c: out + b * queries * qWidth + h * headDim, ldc: qWidth)
        }
    }

    /// Calls `body(item, spare)` for every item in `0..<count`, the items dealt round-robin to the pool's threads
    /// when there are several and `count · work` multiply-adds are worth it. `spare` is nil on the calling
    /// thread's share and, on each other thread's, a buffer of `scratch` floats of its own (nil when `scratch` is
    /// 0): the caller's scratch serves part 0.
    public static func forEachPair(_ count: Int, work: Int, scratch: Int,
                                   _ body: (Int, UnsafeMutablePointer<Float>?) -> Void) {
        let parts = min(BLAS.threads, count, count * work >= 1 << 20 ? count : 1)
        if parts <= 1 {
            for item in 0..<count { body(item, nil) }
            return
        }
        let spare: UnsafeMutablePointer<Float>? = scratch > 0 ? .allocate(capacity: (parts - 1) * scratch) : nil
        defer { spare?.deallocate() }
        WorkerPool.shared.run(parts: parts) { part in
            let own = part == 0 ? nil : spare.map { $0 + (part - 1) * scratch }
            var item = part
            while item < count {
                body(item, own)
                item += parts
            }
        }
    }
}
