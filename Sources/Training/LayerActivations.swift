import Models
import Tensors

/// What one decoder block's forward pass keeps for its backward pass (`n` token rows).
final class LayerActivations {
    let xIn, h1, q, k, v, attn, xMid, h2, gate, up, act: FloatBuffer
    let inv1, inv2: FloatBuffer
    /// Gemma 3 only (empty otherwise): queries and keys before their per-head norms, the attention and MLP
    /// outputs before their norms, and the inverse RMS of those four norms.
    let qPre, kPre, attentionOut, mlpOut, invQ, invK, invAttentionOut, invMLPOut: FloatBuffer
    /// LoRA branch input after dropout, and the dropout scale factors (0 or 1/(1−p)), per projection; only with dropout.
    var loraInput: [Projection: FloatBuffer] = [:]
    var dropoutScale: [Projection: FloatBuffer] = [:]
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
            if parameters.dropout > 0 {
                loraInput[p] = FloatBuffer(count: n * slot.inFeatures)
                dropoutScale[p] = FloatBuffer(count: n * slot.inFeatures)
            }
        }
    }
}
