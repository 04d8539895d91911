import Foundation
@testable import Models
import Tensors

/// A deliberately plain float64 LLaMA forward pass written from the definitions, to hold the real one against.
struct ReferenceForward {
    let config: LlamaConfig
    /// Weights by Hugging Face name, float64, row-major.
    let weights: [String: [Double]]

    init(config: LlamaConfig, tensors: [String: [Float]]) {
        self.config = config
        weights = tensors.mapValues { $0.map(Double.init) }
    }

    func w(_ name: String) -> [Double] { weights[name]! }

    /// y = x · Wᵀ for one row.
    static func linear(_ x: [Double], _ w: [Double], out: Int) -> [Double] {
        let inp = x.count
        return (0..<out).map { o in (0..<inp).reduce(0.0) { $0 + x[$1] * w[o * inp + $1] } }
    }

    func rmsNorm(_ x: [Double], _ weight: [Double]) -> [Double] {
        let ms = x.reduce(0) { $0 + $1 * $1 } / Double(x.count)
        let inv = 1 / (ms + config.rmsNormEps).squareRoot()
        return zip(x, weight).map { $0 * inv * $1 }
    }

    func rope(_ v: inout [Double], heads: Int, position: Int) {
        let hd = config.headDim, half = hd / 2
        for h in 0..<heads {
            for i in 0..<half {
                let angle = Double(position) / pow(config.ropeTheta, Double(2 * i) / Double(hd))
                let a = v[h * hd + i], b = v[h * hd + i + half]
                v[h * hd + i] = a * cos(angle) - b * sin(angle)
                v[h * hd + i + half] = b * cos(angle) + a * sin(angle)
            }
        }
    }

    /// Logits for one sequence, with an optional key mask and per-projection weight deltas (LoRA, merged).
    func logits(tokens: [Int], mask: [Int]? = nil, delta: [String: [Double]] = [:]) -> [[Double]] {
        let c = config, d = c.hiddenSize, hd = c.headDim
        func weight(_ name: String) -> [Double] {
            guard let dw = delta[name] else { return w(name) }
            return zip(w(name), dw).map { $0 + $1 }
        }
        let embed = w("model.embed_tokens.weight")
        var x: [[Double]] = tokens.map { Array(embed[($0 * d)..<($0 * d + d)]) }
        let t = tokens.count
        for l in 0..<c.numHiddenLayers {
            let p = "model.layers.\(l)."
            let h = x.map { rmsNorm($0, w(p + "input_layernorm.weight")) }
            var q = h.map { Self.linear($0, weight(p + "self_attn.q_proj.weight"), out: c.queryWidth) }
            var k = h.map { Self.linear($0, weight(p + "self_attn.k_proj.weight"), out: c.keyValueWidth) }
            let v = h.map { Self.linear($0, weight(p + "self_attn.v_proj.weight"), out: c.keyValueWidth) }
            for i in 0..<t {
                rope(&q[i], heads: c.numAttentionHeads, position: i)
                rope(&k[i], heads: c.numKeyValueHeads, position: i)
            }
            var attn = [[Double]](repeating: [Double](repeating: 0, count: c.queryWidth), count: t)
            let group = c.numAttentionHeads / c.numKeyValueHeads
            for head in 0..<c.numAttentionHeads {
                let kvh = head / group
                for i in 0..<t {
                    var s: [Double] = []
                    var allowed: [Int] = []
                    for j in 0...i where mask == nil || mask![j] != 0 {
                        var dot = 0.0
                        for e in 0..<hd { dot += q[i][head * hd + e] * k[j][kvh * hd + e] }
                        s.append(dot / Double(hd).squareRoot())
                        allowed.append(j)
                    }
                    guard let m = s.max() else { continue }
                    let e = s.map { exp($0 - m) }
                    let z = e.reduce(0, +)
                    for (idx, j) in allowed.enumerated() {
                        for f in 0..<hd { attn[i][head * hd + f] += e[idx] / z * v[j][kvh * hd + f] }
                    }
                }
            }
            for i in 0..<t {
                let o = Self.linear(attn[i], weight(p + "self_attn.o_proj.weight"), out: d)
                for e in 0..<d { x[i][e] += o[e] }
                let h2 = rmsNorm(x[i], w(p + "post_attention_layernorm.weight"))
                let g = Self.linear(h2, weight(p + "mlp.gate_proj.weight"), out: c.intermediateSize)
                let u = Self.linear(h2, weight(p + "mlp.up_proj.weight"), out: c.intermediateSize)
                let a = zip(g, u).map { $0 / (1 + exp(-$0)) * $1 }
                let dn = Self.linear(a, weight(p + "mlp.down_proj.weight"), out: d)
                for e in 0..<d { x[i][e] += dn[e] }
            }
        }
        let head = c.tieWordEmbeddings ? embed : w("lm_head.weight")
        return x.map { Self.linear(rmsNorm($0, w("model.norm.weight")), head, out: c.vocabSize) }
    }
}
