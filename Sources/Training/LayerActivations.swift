import Models
import Tensors

/// What one decoder block's forward pass keeps for its backward pass (`n` token rows).
final class LayerActivations {
    let xIn, h1, q, k, v, attn, xMid, h2, gate, up, act: FloatBuffer
    let inv1, inv2: FloatBuffer
    /// Gemma 3 only (empty otherwise): queries and keys before their per-head norms, the attention and MLP
    /// outputs before their norms, and the inverse RMS of those four norms.
    let qPre, kPre, attentionOut, mlpOut, invQ, invK, invAttentionOut, invMLPOut: FloatBuffer
    /// Which elements of each projection's LoRA input dropout kept (one bit each; only with dropout): the
    /// branch's input is recomputed from the projection's input (stored anyway) as kept × 1/(1−p), so the dropped
    /// input and its scale factors are not kept as floats.
    var dropoutMask: [Projection: DropoutMask] = [:]
    /// `input · Aᵀ` per adapted projection (`n × rank`).
    var xa: [Projection: FloatBuffer] = [:]

    init(config c: LlamaConfig, rows n: Int, parameters: LoRAParameters, layer: Int) {
        xIn = FloatBuffer(count: n * c.hiddenSize)
        h1 = FloatBuffer(count: n * c.hiddenSize)
        q = FloatBuffer(count: n * c.queryWidth)
        k = FloatBuffer(count: n * c.keyValueWidth)
        v = FloatBuffer(count: n * c.keyValueWidth)
        attn = FloatBuffer(count: n * c.queryWidth)
        xMid = FloatBuffer(count: n * c.hiddenSize)
        h2 = FloatBuffer(count: n * c.hiddenSize)
        gate = FloatBuffer(count: n * c.intermediateSize)
        up = FloatBuffer(count: n * c.intermediateSize)
        act = FloatBuffer(count: n * c.intermediateSize)
        inv1 = FloatBuffer(count: n)
        inv2 = FloatBuffer(count: n)
        let gemma = c.gemma3 != nil ? 1 : 0
        qPre = FloatBuffer(count: gemma * n * c.queryWidth)
        kPre = FloatBuffer(count: gemma * n * c.keyValueWidth)
        attentionOut = FloatBuffer(count: gemma * n * c.hiddenSize)
        mlpOut = FloatBuffer(count: gemma * n * c.hiddenSize)
        invQ = FloatBuffer(count: gemma * n * c.numAttentionHeads)
        invK = FloatBuffer(count: gemma * n * c.numKeyValueHeads)
        invAttentionOut = FloatBuffer(count: gemma * n)
        invMLPOut = FloatBuffer(count: gemma * n)
        for (p, slot) in parameters.slots[layer] {
            xa[p] = FloatBuffer(count: n * parameters.rank)
            if parameters.dropout > 0 { dropoutMask[p] = DropoutMask(count: n * slot.inFeatures) }
        }
    }
}

/// One bit per element: set where dropout kept the element. `applied` is false after a forward pass without
/// dropout (evaluation), where the branch saw its input unchanged.
final class DropoutMask: @unchecked Sendable {
    let words: UnsafeMutablePointer<UInt64>
    let count: Int
    var applied = false

    init(count: Int) {
        self.count = count
        let wordCount = max(1, (count + 63) / 64)
        words = UnsafeMutablePointer<UInt64>.allocate(capacity: wordCount)
        words.initialize(repeating: 0, count: wordCount)
    }

    deinit { words.deallocate() }

    /// Bytes held.
    var bytes: Int { 8 * max(1, (count + 63) / 64) }

    func kept(_ i: Int) -> Bool { words[i >> 6] >> UInt64(i & 63) & 1 == 1 }

    /// Draws the mask from `stream`: element `i` is kept when the stream's `(i + 1)`-th uniform is at least `p`,
    /// as drawing them one by one would decide. Sixty-four elements a word, the words split across the cores;
    /// the mask does not depend on the split.
    func draw(_ stream: SeededGenerator, dropping p: Float) {
        let words = self.words, count = self.count
        Parallel.forEachPart((count + 63) / 64, cost: 64 * 8) { part in
            for w in part {
                words[w] = stream.uniformBits(atLeast: p, offset: UInt64(64 * w), bits: count - 64 * w)
            }
        }
    }

    /// `out = x ⊙ scale` (or `out += x ⊙ scale`), the scale `keep` where an element was kept and 0 where it was
    /// dropped, eight elements at a time: each byte of the mask picks its eight scales from a table of 256.
    /// Each element's product (and sum) is the one the element-by-element loop computes, bit for bit.
    func scale(_ x: UnsafePointer<Float>, by keep: Float, count: Int, into out: UnsafeMutablePointer<Float>,
               accumulate: Bool) {
        var table = [SIMD8<Float>](repeating: .zero, count: 256)
        for byte in 0..<256 {
            for lane in 0..<8 where byte >> lane & 1 == 1 { table[byte][lane] = keep }
        }
        let words = self.words
        table.withUnsafeBufferPointer { table in
            let scales = table.baseAddress!
            Parallel.forEachPart((count + 7) / 8, cost: 8) { part in
                for j in part {
                    let i = 8 * j
                    let s = scales[Int(UInt8(truncatingIfNeeded: words[j >> 3] >> UInt64(8 * (j & 7))))]
                    if i + 8 <= count {
                        var r = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) * s
                        if accumulate { r += UnsafeRawPointer(out + i).loadUnaligned(as: SIMD8<Float>.self) }
                        UnsafeMutableRawPointer(out + i).storeBytes(of: r, as: SIMD8<Float>.self)
                    } else {
                        for lane in 0..<(count - i) {
                            let v = x[i + lane] * s[lane]
                            out[i + lane] = accumulate ? out[i + lane] + v : v
                        }
                    }
                }
            }
        }
    }
}
