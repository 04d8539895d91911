import Models
import Tensors

/// The backward pass of grouped-query causal attention, recomputing the attention weights per head
/// instead of storing them (they would take batch × heads × T² floats per layer).
enum AttentionBackward {
    /// Given q, k, v (after RoPE) and dOut, writes dq and accumulates dk, dv (zeroed by the caller).
    /// `scale` is the factor on q·kᵀ (1/√headDim when nil); with `window`, query i sees only keys
    /// i − window + 1 ... i (sliding-window attention), as in `Attention.forward`.
    static func run(batch: Int, sequence: Int, heads: Int, kvHeads: Int, headDim: Int,
                    q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                    keyMask: UnsafePointer<Int32>?, dOut: UnsafePointer<Float>,
                    dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
                    p: UnsafeMutablePointer<Float>, dp: UnsafeMutablePointer<Float>,
                    scale: Float? = nil, window: Int? = nil) {
        let t = sequence
        let qW = heads * headDim, kvW = kvHeads * headDim
        let group = heads / kvHeads
        let scale = scale ?? 1 / Float(headDim).squareRoot()
        // (sequence, key-value head) groups on the pool's threads, each whole on one thread with its own P and dP:
        // the heads that share a key-value head add into its dK and dV in the same order as one loop would.
        Attention.forEachPair(batch * kvHeads, work: group * 5 * t * t * headDim / 2, scratch: 2 * t * t) { pair, spare in
            let b = pair / kvHeads, kvh = pair % kvHeads
            let p = spare ?? p, dp = spare.map { $0 + t * t } ?? dp
            for h in (kvh * group)..<((kvh + 1) * group) {
                let qb = q + b * t * qW + h * headDim
                let kb = k + b * t * kvW + kvh * headDim
                let vb = v + b * t * kvW + kvh * headDim
                let dob = dOut + b * t * qW + h * headDim
                // P = softmax(scale · q kᵀ + mask), as in the forward pass.
                BLAS.sgemm(transposeA: false, transposeB: true, m: t, n: t, k: headDim, alpha: scale,
                           a: qb, lda: qW, b: kb, ldb: kvW, c: p, ldc: t)
                Parallel.forEachPart(t, cost: 8 * t) { rows in
                    for i in rows {
                        let row = p + i * t
                        if let keyMask {
                            let m = keyMask + b * t
                            for j in 0...i where m[j] == 0 { row[j] = -.infinity }
                        }
                        if let window {
                            for j in 0..<max(0, i + 1 - window) { row[j] = -.infinity }
                        }
                        // Causal: keys after i get weight 0 without an exponential each.
                        Kernels.softmax(row, count: i + 1)
                        (row + i + 1).update(repeating: 0, count: t - i - 1)
                    }
                }
                // dP = dO · vᵀ; dV += Pᵀ · dO.
                BLAS.sgemm(transposeA: false, transposeB: true, m: t, n: t, k: headDim,
                           a: dob, lda: qW, b: vb, ldb: kvW, c: dp, ldc: t)
                BLAS.sgemm(transposeA: true, transposeB: false, m: t, n: headDim, k: t,
                           a: p, lda: t, b: dob, ldb: qW, beta: 1, c: dv + b * t * kvW + kvh * headDim, ldc: kvW)
                // dS = P ⊙ (dP − rowsum(dP ⊙ P)), in place in dp.
                Parallel.forEachPart(t, cost: 2 * t) { rows in
                    for i in rows {
                        let pr = p + i * t, dr = dp + i * t
                        // P is zero after i, so is dS.
                        var dot: Float = 0
                        for j in 0...i { dot += pr[j] * dr[j] }
                        for j in 0...i { dr[j] = pr[j] * (dr[j] - dot) }
                        (dr + i + 1).update(repeating: 0, count: t - i - 1)
                    }
                }
                // dQ = scale · dS · k; dK += scale · dSᵀ · q.
                BLAS.sgemm(transposeA: false, transposeB: false, m: t, n: headDim, k: t, alpha: scale,
                           a: dp, lda: t, b: kb, ldb: kvW, c: dq + b * t * qW + h * headDim, ldc: qW)
                BLAS.sgemm(transposeA: true, transposeB: false, m: t, n: headDim, k: t, alpha: scale,
                           a: dp, lda: t, b: qb, ldb: qW, beta: 1, c: dk + b * t * kvW + kvh * headDim, ldc: kvW)
            }
        }
    }
}
