import Foundation
import Tensors

extension LlamaModel {
    /// The forward pass of a Gemma 3 decoder (see `forward`, which checks the arguments and calls this):
    ///
    /// x = embedding · √hidden; per block, h = norm(x); q, k, v = projections of h; per-head norms of q and k;
    /// RoPE with the layer's base; attention (local layers within the sliding window); x += norm(o(attention));
    /// x += norm(down(gelu_tanh(gate(norm(x))) · up(norm(x)))); logits = norm(x) · outputᵀ.
    func gemma3Forward(_ g: Gemma3Settings, tokens: [Int], batch: Int, sequence: Int, attentionMask: [Int]?,
                       adapter: LoRAAdapter?, cache: KVCache?, scratch: Scratch, lastPositionOnly: Bool) throws -> Tensor {
        let c = config
        guard layers.allSatisfy({ $0.gemma3 != nil }) else {
            throw ForwardError(message: "a Gemma 3 configuration needs every block's Gemma 3 norms")
        }
        let n = batch * sequence
        let offset = cache?.length ?? 0
        let d = c.hiddenSize, qW = c.queryWidth, kvW = c.keyValueWidth, f = c.intermediateSize, hd = c.headDim
        let keys = offset + sequence
        let x = FloatBuffer(count: n * d), h = FloatBuffer(count: n * d), branch = FloatBuffer(count: n * d)
        let q = FloatBuffer(count: n * qW), k = FloatBuffer(count: n * kvW), v = FloatBuffer(count: n * kvW)
        let attn = FloatBuffer(count: n * qW)
        let gate = FloatBuffer(count: n * f), up = FloatBuffer(count: n * f)
        let scores = FloatBuffer(count: sequence * keys)
        var loraTemp: [Float] = []
        let mask32 = attentionMask.map { $0.map { Int32($0 != 0 ? 1 : 0) } }
        let eps = Float(c.rmsNormEps)
        let scale = Float(g.queryScale)
        // The reference multiplies by √hidden rounded to float32.
        let embeddingScale = Float(Double(d).squareRoot())
        let local = Kernels.ropeTables(positions: keys, headDim: hd, theta: g.localRopeTheta)

        embedding.withUnsafeBufferPointer { e in
            for (i, t) in tokens.enumerated() {
                let row = e.baseAddress! + t * d, out = x.pointer + i * d
                for j in 0..<d { out[j] = row[j] * embeddingScale }
            }
        }

        func norm(_ weight: [Float], rows: Int, dim: Int, _ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
            weight.withUnsafeBufferPointer { Kernels.rmsNorm(rows: rows, dim: dim, x: input, weight: $0.baseAddress!, eps: eps, out: output) }
        }

        for (l, layer) in layers.enumerated() {
            let extra = layer.gemma3!
            let lora = adapter?.layers[l]
            let global = g.isGlobal(layer: l)
            func project(_ p: Projection, _ input: FloatBuffer, _ output: FloatBuffer) {
                let linear = layer[p]
                linear.forward(x: input.pointer, rows: n, y: output.pointer, accumulate: false, scratch: scratch)
                if let adapter, let w = lora?[p] {
                    LoRAMath.addForward(input: input.pointer, rows: n, inFeatures: linear.inFeatures, outFeatures: linear.outFeatures,
                                        rank: adapter.rank, scaling: adapter.scaling, weights: w, temp: &loraTemp, output: output.pointer)
                }
            }
            // Attention block.
            norm(layer.inputNorm, rows: n, dim: d, x.pointer, h.pointer)
            project(.q, h, q)
            project(.k, h, k)
            project(.v, h, v)
            norm(extra.query, rows: n * c.numAttentionHeads, dim: hd, q.pointer, q.pointer)
            norm(extra.key, rows: n * c.numKeyValueHeads, dim: hd, k.pointer, k.pointer)
            func rotate(_ cosT: UnsafePointer<Float>, _ sinT: UnsafePointer<Float>) {
                let half = hd / 2
                for r in 0..<n {
                    let pos = offset + r % sequence
                    Kernels.rope(q.pointer + r * qW, heads: c.numAttentionHeads, headDim: hd, cos: cosT + pos * half, sin: sinT + pos * half)
                    Kernels.rope(k.pointer + r * kvW, heads: c.numKeyValueHeads, headDim: hd, cos: cosT + pos * half, sin: sinT + pos * half)
                }
            }
            if global {
                ropeCos.withUnsafeBufferPointer { cosT in ropeSin.withUnsafeBufferPointer { sinT in rotate(cosT.baseAddress!, sinT.baseAddress!) } }
            } else {
                local.cos.withUnsafeBufferPointer { cosT in local.sin.withUnsafeBufferPointer { sinT in rotate(cosT.baseAddress!, sinT.baseAddress!) } }
            }
            let window = global ? nil : g.slidingWindow
            attend(layer: l, batch: batch, sequence: sequence, offset: offset, cache: cache, mask: mask32,
                   q: q, k: k, v: v, out: attn, scores: scores, scale: scale, window: window)
            project(.o, attn, branch)
            norm(extra.attentionOutput, rows: n, dim: d, branch.pointer, branch.pointer)
            Kernels.axpy(count: n * d, alpha: 1, x: branch.pointer, y: x.pointer)
            // MLP block.
            norm(layer.postAttentionNorm, rows: n, dim: d, x.pointer, h.pointer)
            project(.gate, h, gate)
            project(.up, h, up)
            Kernels.geglu(count: n * f, gate: gate.pointer, up: up.pointer, out: gate.pointer)
            project(.down, gate, branch)
            norm(extra.mlpOutput, rows: n, dim: d, branch.pointer, branch.pointer)
            Kernels.axpy(count: n * d, alpha: 1, x: branch.pointer, y: x.pointer)
        }
        cache?.length = offset + sequence

        norm(finalNorm, rows: n, dim: d, x.pointer, h.pointer)
        return outputLogits(h, batch: batch, sequence: sequence, lastPositionOnly: lastPositionOnly)
    }
}
