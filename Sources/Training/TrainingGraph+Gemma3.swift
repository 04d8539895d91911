import Datasets
import Models
import Tensors

/// Gemma 3's block in the training graph (`LlamaConfig.gemma3`), forward and backward; `forwardLayer` and
/// `backwardLayer` hand a layer here when the configuration carries Gemma 3's settings.
extension TrainingGraph {
    /// One Gemma 3 block forward; `residual` goes in as the block's input and comes out as its output:
    /// x += norm(o(attention(rope(norm(q(norm(x)))), rope(norm(k(…))), v(…)))); x += norm(down(gelu(gate(norm(x))) · up(norm(x)))).
    func forwardGemma3Layer(_ l: Int, _ a: LayerActivations, _ g: Gemma3Settings, residual: FloatBuffer, dropoutKey: UInt64?) {
        let c = model.config
        let layer = model.layers[l]
        let extra = layer.gemma3!
        let d = c.hiddenSize, hd = c.headDim, kvW = c.keyValueWidth
        let eps = Float(c.rmsNormEps)
        let global = g.isGlobal(layer: l)
        func norm(_ weight: [Float], rows: Int, dim: Int, _ input: FloatBuffer, _ output: FloatBuffer, _ inverse: FloatBuffer) {
            weight.withUnsafeBufferPointer {
                Kernels.rmsNorm(rows: rows, dim: dim, x: input.pointer, weight: $0.baseAddress!, eps: eps, out: output.pointer,
                                inverseRMS: inverse.pointer)
            }
        }
        a.xIn.pointer.update(from: residual.pointer, count: n * d)
        norm(layer.inputNorm, rows: n, dim: d, residual, a.h1, a.inv1)
        project(l, .q, a.h1, a.qPre, a, dropoutKey: dropoutKey)
        project(l, .k, a.h1, a.kPre, a, dropoutKey: dropoutKey)
        project(l, .v, a.h1, a.v, a, dropoutKey: dropoutKey)
        norm(extra.query, rows: n * c.numAttentionHeads, dim: hd, a.qPre, a.q, a.invQ)
        norm(extra.key, rows: n * c.numKeyValueHeads, dim: hd, a.kPre, a.k, a.invK)
        rotate(q: a.q, k: a.k, inverse: false, local: !global)
        mask32.withUnsafeBufferPointer { m in
            Attention.forward(batch: batch, queries: sequence, keys: sequence, offset: 0,
                              heads: c.numAttentionHeads, kvHeads: c.numKeyValueHeads, headDim: hd,
                              q: a.q.pointer, k: a.k.pointer, v: a.v.pointer, kvBatchStride: sequence * kvW,
                              keyMask: m.baseAddress!, out: a.attn.pointer, scores: p.pointer,
                              scale: Float(g.queryScale), window: global ? nil : g.slidingWindow)
        }
        project(l, .o, a.attn, a.attentionOut, a, dropoutKey: dropoutKey)
        norm(extra.attentionOutput, rows: n, dim: d, a.attentionOut, branch, a.invAttentionOut)
        Kernels.axpy(count: n * d, alpha: 1, x: branch.pointer, y: residual.pointer)
        a.xMid.pointer.update(from: residual.pointer, count: n * d)
        norm(layer.postAttentionNorm, rows: n, dim: d, residual, a.h2, a.inv2)
        project(l, .gate, a.h2, a.gate, a, dropoutKey: dropoutKey)
        project(l, .up, a.h2, a.up, a, dropoutKey: dropoutKey)
        Kernels.geglu(count: n * c.intermediateSize, gate: a.gate.pointer, up: a.up.pointer, out: a.act.pointer)
        project(l, .down, a.act, a.mlpOut, a, dropoutKey: dropoutKey)
        norm(extra.mlpOutput, rows: n, dim: d, a.mlpOut, branch, a.invMLPOut)
        Kernels.axpy(count: n * d, alpha: 1, x: branch.pointer, y: residual.pointer)
    }

    /// One Gemma 3 block backward: `dx` holds the gradient of the block's output and leaves holding its input's.
    func backwardGemma3Layer(_ l: Int, _ a: LayerActivations, _ g: Gemma3Settings) {
        let c = model.config
        let layer = model.layers[l]
        let extra = layer.gemma3!
        let d = c.hiddenSize, hd = c.headDim
        let global = g.isGlobal(layer: l)
        func normBackward(_ weight: [Float], rows: Int, dim: Int, x: FloatBuffer, inverse: FloatBuffer, dy: FloatBuffer,
                          dx out: FloatBuffer, accumulate: Bool) {
            weight.withUnsafeBufferPointer {
                Kernels.rmsNormBackward(rows: rows, dim: dim, x: x.pointer, weight: $0.baseAddress!, inverseRMS: inverse.pointer,
                                        dy: dy.pointer, dx: out.pointer, accumulate: accumulate)
            }
        }
        // MLP: out = xMid + norm(down(gelu(gate) · up)); the residual passes dx through unchanged.
        normBackward(extra.mlpOutput, rows: n, dim: d, x: a.mlpOut, inverse: a.invMLPOut, dy: dx, dx: dBranch, accumulate: false)
        projectBackward(l, .down, input: a.act, dY: dBranch, dX: dAct, accumulate: false, a)
        Kernels.gegluBackward(count: n * c.intermediateSize, gate: a.gate.pointer, up: a.up.pointer, dOut: dAct.pointer,
                              dGate: dGate.pointer, dUp: dUp.pointer)
        projectBackward(l, .gate, input: a.h2, dY: dGate, dX: dh, accumulate: false, a)
        projectBackward(l, .up, input: a.h2, dY: dUp, dX: dh, accumulate: true, a)
        normBackward(layer.postAttentionNorm, rows: n, dim: d, x: a.xMid, inverse: a.inv2, dy: dh, dx: dx, accumulate: true)
        // Attention: xMid = xIn + norm(o(attention(q, k, v))).
        normBackward(extra.attentionOutput, rows: n, dim: d, x: a.attentionOut, inverse: a.invAttentionOut, dy: dx, dx: dBranch,
                     accumulate: false)
        projectBackward(l, .o, input: a.attn, dY: dBranch, dX: dAttn, accumulate: false, a)
        dk.zero()
        dv.zero()
        mask32.withUnsafeBufferPointer { m in
            AttentionBackward.run(batch: batch, sequence: sequence, heads: c.numAttentionHeads, kvHeads: c.numKeyValueHeads,
                                  headDim: hd, q: a.q.pointer, k: a.k.pointer, v: a.v.pointer, keyMask: m.baseAddress!,
                                  dOut: dAttn.pointer, dq: dq.pointer, dk: dk.pointer, dv: dv.pointer, p: p.pointer, dp: dp.pointer,
                                  scale: Float(g.queryScale), window: global ? nil : g.slidingWindow)
        }
        rotate(q: dq, k: dk, inverse: true, local: !global)
        normBackward(extra.query, rows: n * c.numAttentionHeads, dim: hd, x: a.qPre, inverse: a.invQ, dy: dq, dx: dqPre, accumulate: false)
        normBackward(extra.key, rows: n * c.numKeyValueHeads, dim: hd, x: a.kPre, inverse: a.invK, dy: dk, dx: dkPre, accumulate: false)
        projectBackward(l, .q, input: a.h1, dY: dqPre, dX: dh, accumulate: false, a)
        projectBackward(l, .k, input: a.h1, dY: dkPre, dX: dh, accumulate: true, a)
        projectBackward(l, .v, input: a.h1, dY: dv, dX: dh, accumulate: true, a)
        normBackward(layer.inputNorm, rows: n, dim: d, x: a.xIn, inverse: a.inv1, dy: dh, dx: dx, accumulate: true)
    }
}
