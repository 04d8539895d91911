import Tensors

#if canImport(Glibc)
import Glibc
#endif

/// The output layer and the loss together: logits are formed only for positions that carry a label, a
/// chunk of rows at a time, so a 49k vocabulary never needs a `tokens × vocab` buffer.
struct CrossEntropyHead {
    /// Bytes of logits formed at once, at most: 256 rows of SmolLM2's 49,152-piece vocabulary. Products of 64
    /// rows against the whole output layer run at 80% of what 256 do at 2 threads (the layer is packed again for
    /// each chunk), while Gemma 3's 262,144 pieces would take 256 MiB at 256 rows.
    static let chunkBytes = 48 << 20

    /// Rows of logits formed at once for `vocab` pieces: as many as `chunkBytes` hold, from 64 to 256.
    static func chunkRows(vocab: Int) -> Int { min(256, max(64, chunkBytes / (4 * max(1, vocab)))) }

    /// Rows of logits formed at once.
    let chunk: Int

    let vocab: Int
    let dim: Int
    let hidden: FloatBuffer      // gathered rows, chunk × dim
    let logits: FloatBuffer      // chunk × vocab
    let dHidden: FloatBuffer     // chunk × dim
    let rowLoss: FloatBuffer     // chunk: each row's loss before it is summed

    /// A head for `vocab` pieces of width `dim`, forming `chunk` rows of logits at once (`chunkRows` when nil).
    init(vocab: Int, dim: Int, chunk: Int? = nil) {
        self.vocab = vocab
        self.dim = dim
        self.chunk = chunk ?? Self.chunkRows(vocab: vocab)
        hidden = FloatBuffer(count: self.chunk * dim)
        logits = FloatBuffer(count: self.chunk * vocab)
        dHidden = FloatBuffer(count: self.chunk * dim)
        rowLoss = FloatBuffer(count: self.chunk)
    }

    /// The (row, target) pairs that carry a loss: position t predicts the label at t + 1 (the one-position
    /// shift of causal language modelling); -100 is ignored.
    static func targets(labels: [Int], batch: Int, sequence: Int) -> [(row: Int, target: Int)] {
        var result: [(Int, Int)] = []
        for b in 0..<batch {
            for t in 0..<(sequence - 1) {
                let label = labels[b * sequence + t + 1]
                if label != -100 { result.append((b * sequence + t, label)) }
            }
        }
        return result
    }

    /// Sums the cross-entropy over `targets` and writes `dH` (zeroed here) for the mean loss over `normalizer` tokens.
    /// `h` is the final-norm output, `weights` the output layer (`vocab × dim`). With `weightGradient` (full
    /// fine-tuning), the output layer's gradient `dLogitsᵀ · H` over the labelled rows is added to it, chunk by chunk.
    func lossAndGradient(h: UnsafePointer<Float>, rows: Int, weights: UnsafePointer<Float>, targets: [(row: Int, target: Int)],
                         normalizer: Int, dH: UnsafeMutablePointer<Float>, computeGradient: Bool = true,
                         weightGradient: UnsafeMutablePointer<Float>? = nil) -> Double {
        dH.update(repeating: 0, count: rows * dim)
        var total = 0.0
        let scale = 1 / Float(normalizer)
        var start = 0
        while start < targets.count {
            let end = min(targets.count, start + chunk)
            let c = end - start
            for i in 0..<c { (hidden.pointer + i * dim).update(from: h + targets[start + i].row * dim, count: dim) }
            BLAS.sgemm(transposeA: false, transposeB: true, m: c, n: vocab, k: dim,
                       a: hidden.pointer, lda: dim, b: weights, ldb: dim, c: logits.pointer, ldc: vocab)
            // Rows on the BLAS threads' cores; their losses are summed afterwards in row order, as one loop would.
            Parallel.forEachPart(c, cost: 8 * vocab) { rows in
                for i in rows {
                    let row = logits.pointer + i * vocab
                    let target = targets[start + i].target
                    var maximum = -Float.infinity
                    for j in 0..<vocab { maximum = max(maximum, row[j]) }
                    let targetLogit = row[target]
                    let sum = VectorExp.exponentiate(row, count: vocab, subtracting: maximum)
                    // loss = log Σ e^(z − max) − (z_target − max)
                    rowLoss.pointer[i] = logf(sum) - (targetLogit - maximum)
                    if computeGradient {
                        let inv = scale / sum
                        for j in 0..<vocab { row[j] *= inv }
                        row[target] -= scale
                    }
                }
            }
            for i in 0..<c { total += Double(rowLoss.pointer[i]) }
            if computeGradient {
                BLAS.sgemm(transposeA: false, transposeB: false, m: c, n: dim, k: vocab,
                           a: logits.pointer, lda: vocab, b: weights, ldb: dim, c: dHidden.pointer, ldc: dim)
                // Each target is a different row of dH.
                Parallel.forEachPart(c, cost: dim) { rows in
                    for i in rows {
                        let dst = dH + targets[start + i].row * dim, src = dHidden.pointer + i * dim
                        for j in 0..<dim { dst[j] += src[j] }
                    }
                }
                if let weightGradient {
                    BLAS.sgemm(transposeA: true, transposeB: false, m: vocab, n: dim, k: c,
                               a: logits.pointer, lda: vocab, b: hidden.pointer, ldb: dim, beta: 1, c: weightGradient, ldc: dim)
                }
            }
            start = end
        }
        return total
    }
}
