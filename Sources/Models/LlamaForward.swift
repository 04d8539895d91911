import Tensors

/// Why a forward pass refused its input.
public struct ForwardError: Error, CustomStringConvertible, Sendable {
    /// What is wrong with the input.
    public let message: String

    /// An error with its explanation.
    public init(message: String) { self.message = message }

    public var description: String { message }
}

extension LlamaModel {
    /// Logits `[batch, sequence, vocab]` for `tokens` (`batch × sequence`, row-major).
    ///
    /// - `attentionMask`: 1 for real tokens, 0 for padding (right padding); padded keys are hidden.
    /// - `adapter`: LoRA adapters added to the frozen projections (no dropout at inference).
    /// - `cache`: continue from the cached positions and append these to it (generation).
    /// - `lastPositionOnly`: logits `[batch, 1, vocab]` of each sequence's last position only (what generation
    ///   samples from), each row the same numbers the full output has at that position.
    public func forward(tokens: [Int], batch: Int, sequence: Int, attentionMask: [Int]? = nil,
                        adapter: LoRAAdapter? = nil, cache: KVCache? = nil, scratch: Scratch = Scratch(),
                        lastPositionOnly: Bool = false) throws -> Tensor {
        let c = config
        let n = batch * sequence
        guard tokens.count == n else { throw ForwardError(message: "\(tokens.count) tokens do not fill \(batch) × \(sequence)") }
        if let bad = tokens.first(where: { $0 < 0 || $0 >= c.vocabSize }) {
            throw ForwardError(message: "token id \(bad) is outside the vocabulary (0..<\(c.vocabSize))")
        }
        if let attentionMask, attentionMask.count != n {
            throw ForwardError(message: "attention mask has \(attentionMask.count) entries, expected \(n)")
        }
        let offset = cache?.length ?? 0
        if let cache {
            guard cache.batch == batch else { throw ForwardError(message: "cache holds \(cache.batch) sequences, got \(batch)") }
            guard offset + sequence <= cache.capacity else {
                throw ForwardError(message: "cache full: \(offset) + \(sequence) positions exceed its capacity \(cache.capacity)")
            }
            if attentionMask != nil { throw ForwardError(message: "an attention mask with a cache is not supported") }
        }
        guard offset + sequence <= ropePositions else {
            throw ForwardError(message: "position \(offset + sequence - 1) is beyond max_position_embeddings \(ropePositions)")
        }
        if let adapter {
            guard adapter.layers.count == c.numHiddenLayers else {
                throw ForwardError(message: "adapter has \(adapter.layers.count) layers, the model \(c.numHiddenLayers)")
            }
        }
        if let gemma3 = c.gemma3 {
            return try gemma3Forward(gemma3, tokens: tokens, batch: batch, sequence: sequence, attentionMask: attentionMask,
                                     adapter: adapter, cache: cache, scratch: scratch, lastPositionOnly: lastPositionOnly)
        }

        let d = c.hiddenSize, qW = c.queryWidth, kvW = c.keyValueWidth, f = c.intermediateSize
        let keys = offset + sequence
        let x = FloatBuffer(count: n * d), h = FloatBuffer(count: n * d)
        let q = FloatBuffer(count: n * qW), k = FloatBuffer(count: n * kvW), v = FloatBuffer(count: n * kvW)
        let attn = FloatBuffer(count: n * qW)
        let gate = FloatBuffer(count: n * f), up = FloatBuffer(count: n * f)
        let scores = FloatBuffer(count: sequence * keys)
        var loraTemp: [Float] = []
        let mask32 = attentionMask.map { $0.map { Int32($0 != 0 ? 1 : 0) } }
        let eps = Float(c.rmsNormEps)

        embedding.withUnsafeBufferPointer { e in
            for (i, t) in tokens.enumerated() { (x.pointer + i * d).update(from: e.baseAddress! + t * d, count: d) }
        }

        for (l, layer) in layers.enumerated() {
            let lora = adapter?.layers[l]
            func project(_ p: Projection, _ input: FloatBuffer, _ output: FloatBuffer, accumulate: Bool = false) {
                let linear = layer[p]
                linear.forward(x: input.pointer, rows: n, y: output.pointer, accumulate: accumulate, scratch: scratch)
                if let adapter, let w = lora?[p] {
                    LoRAMath.addForward(input: input.pointer, rows: n, inFeatures: linear.inFeatures, outFeatures: linear.outFeatures,
                                        rank: adapter.rank, scaling: adapter.scaling, weights: w, temp: &loraTemp, output: output.pointer)
                }
            }
            // Attention block.
            layer.inputNorm.withUnsafeBufferPointer {
                Kernels.rmsNorm(rows: n, dim: d, x: x.pointer, weight: $0.baseAddress!, eps: eps, out: h.pointer)
            }
            project(.q, h, q)
            project(.k, h, k)
            project(.v, h, v)
            ropeCos.withUnsafeBufferPointer { cosT in
                ropeSin.withUnsafeBufferPointer { sinT in
                    let half = c.headDim / 2
                    for r in 0..<n {
                        let pos = offset + r % sequence
                        let cp = cosT.baseAddress! + pos * half, sp = sinT.baseAddress! + pos * half
                        Kernels.rope(q.pointer + r * qW, heads: c.numAttentionHeads, headDim: c.headDim, cos: cp, sin: sp)
                        Kernels.rope(k.pointer + r * kvW, heads: c.numKeyValueHeads, headDim: c.headDim, cos: cp, sin: sp)
                    }
                }
            }
            attend(layer: l, batch: batch, sequence: sequence, offset: offset, cache: cache, mask: mask32,
                   q: q, k: k, v: v, out: attn, scores: scores)
            project(.o, attn, x, accumulate: true)
            // MLP block.
            layer.postAttentionNorm.withUnsafeBufferPointer {
                Kernels.rmsNorm(rows: n, dim: d, x: x.pointer, weight: $0.baseAddress!, eps: eps, out: h.pointer)
            }
            project(.gate, h, gate)
            project(.up, h, up)
            Kernels.swiglu(count: n * f, gate: gate.pointer, up: up.pointer, out: gate.pointer)
            project(.down, gate, x, accumulate: true)
        }
        cache?.length = offset + sequence

        finalNorm.withUnsafeBufferPointer {
            Kernels.rmsNorm(rows: n, dim: d, x: x.pointer, weight: $0.baseAddress!, eps: eps, out: h.pointer)
        }
        return outputLogits(h, batch: batch, sequence: sequence, lastPositionOnly: lastPositionOnly)
    }

    /// The output layer on `h`, the final norm's rows (batch × sequence of width hidden), for every model family:
    /// every position's logits, or with `lastPositionOnly` the last row of each sequence gathered (in place) and
    /// only those rows multiplied.
    func outputLogits(_ h: FloatBuffer, batch: Int, sequence: Int, lastPositionOnly: Bool) -> Tensor {
        let d = config.hiddenSize, vocab = config.vocabSize
        let rows = lastPositionOnly ? batch : batch * sequence
        if lastPositionOnly && sequence > 1 {
            for b in 0..<batch { (h.pointer + b * d).update(from: h.pointer + (b * sequence + sequence - 1) * d, count: d) }
        }
        var logits = Tensor(zeros: [batch, lastPositionOnly ? 1 : sequence, vocab])
        outputWeights.withUnsafeBufferPointer { w in
            logits.scalars.withUnsafeMutableBufferPointer { lp in
                BLAS.sgemm(transposeA: false, transposeB: true, m: rows, n: vocab, k: d,
                           a: h.pointer, lda: d, b: w.baseAddress!, ldb: d, c: lp.baseAddress!, ldc: vocab)
            }
        }
        return logits
    }
}

/// The LoRA branch's products, shared by the forward pass and the trainer.
public enum LoRAMath {
    /// `output += scaling · (input · Aᵀ) · Bᵀ`; `temp` receives `input · Aᵀ` (`rows × rank`).
    public static func addForward(input: UnsafePointer<Float>, rows n: Int, inFeatures: Int, outFeatures: Int,
                                  rank: Int, scaling: Float, weights: LoRAWeights, temp: inout [Float],
                                  output: UnsafeMutablePointer<Float>) {
        if temp.count < n * rank { temp = [Float](repeating: 0, count: n * rank) }
        weights.a.withUnsafeBufferPointer { a in
            weights.b.withUnsafeBufferPointer { b in
                temp.withUnsafeMutableBufferPointer { t in
                    BLAS.sgemm(transposeA: false, transposeB: true, m: n, n: rank, k: inFeatures,
                               a: input, lda: inFeatures, b: a.baseAddress!, ldb: inFeatures, c: t.baseAddress!, ldc: rank)
                    BLAS.sgemm(transposeA: false, transposeB: true, m: n, n: outFeatures, k: rank, alpha: scaling,
                               a: t.baseAddress!, lda: rank, b: b.baseAddress!, ldb: rank, beta: 1, c: output, ldc: outFeatures)
                }
            }
        }
    }
}

extension LlamaModel {
    /// One layer's causal self-attention over rotated queries and keys, for every family's forward pass: with a
    /// cache, this step's keys and values are appended at `offset` and the queries attend over everything cached;
    /// without one, over this step's keys, masked by `mask` (1 for a real token). `scale` (default 1/√headDim) and
    /// `window` (a sliding window of keys, nil for none) are the family's.
    func attend(layer l: Int, batch: Int, sequence: Int, offset: Int, cache: KVCache?, mask: [Int32]?,
                q: FloatBuffer, k: FloatBuffer, v: FloatBuffer, out: FloatBuffer, scores: FloatBuffer,
                scale: Float? = nil, window: Int? = nil) {
        let c = config, kvW = c.keyValueWidth
        if let cache {
            let kc = cache.keys[l], vc = cache.values[l]
            for b in 0..<batch {
                let dst = (b * cache.capacity + offset) * kvW
                (kc.pointer + dst).update(from: k.pointer + b * sequence * kvW, count: sequence * kvW)
                (vc.pointer + dst).update(from: v.pointer + b * sequence * kvW, count: sequence * kvW)
            }
            Attention.forward(batch: batch, queries: sequence, keys: offset + sequence, offset: offset,
                              heads: c.numAttentionHeads, kvHeads: c.numKeyValueHeads, headDim: c.headDim,
                              q: q.pointer, k: kc.pointer, v: vc.pointer, kvBatchStride: cache.capacity * kvW,
                              keyMask: nil, out: out.pointer, scores: scores.pointer, scale: scale, window: window)
        } else {
            let run = { (m: UnsafePointer<Int32>?) in
                Attention.forward(batch: batch, queries: sequence, keys: offset + sequence, offset: 0,
                                  heads: c.numAttentionHeads, kvHeads: c.numKeyValueHeads, headDim: c.headDim,
                                  q: q.pointer, k: k.pointer, v: v.pointer, kvBatchStride: sequence * kvW,
                                  keyMask: m, out: out.pointer, scores: scores.pointer, scale: scale, window: window)
            }
            if let mask { mask.withUnsafeBufferPointer { run($0.baseAddress!) } } else { run(nil) }
        }
    }
}
