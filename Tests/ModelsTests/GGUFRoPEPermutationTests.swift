import Foundation
import Testing
import Tensors
@testable import GGUF
@testable import Models

/// The converter's Q/K row permutation and its inverse, against index arithmetic in float64.
@Suite("GGUF: query/key row permutation")
struct GGUFRoPEPermutationTests {
    /// The converter's reshape(heads, 2, headDim/2, columns).swapaxes(1, 2): GGUF row (h, i, half) holds
    /// Hugging Face row (h, half, i). Written as explicit loops over the three indices, in float64.
    static func referencePermute(_ hf: [Double], heads: Int, headDim: Int, columns: Int) -> [Double] {
        var gguf = [Double](repeating: .nan, count: hf.count)
        for h in 0..<heads {
            for half in 0..<2 {
                for i in 0..<(headDim / 2) {
                    let source = h * headDim + half * (headDim / 2) + i
                    let target = h * headDim + i * 2 + half
                    for c in 0..<columns { gguf[target * columns + c] = hf[source * columns + c] }
                }
            }
        }
        return gguf
    }

    @Test func knownSmallExample() throws {
        // One head of 4 rows, 1 column: Hugging Face rows 0 1 | 2 3 pair (0,2) and (1,3); GGUF stores 0 2 1 3.
        #expect(GGUFRoPEPermutation.permute([10, 11, 12, 13], rows: 4, columns: 1, heads: 1) == [10, 12, 11, 13])
        #expect(GGUFRoPEPermutation.unpermute([10, 12, 11, 13], rows: 4, columns: 1, heads: 1) == [10, 11, 12, 13])
        // Two heads of 6 rows, 2 columns.
        let hf: [Float] = (0..<24).map(Float.init)
        let gguf = try #require(GGUFRoPEPermutation.permute(hf, rows: 12, columns: 2, heads: 2))
        let rows = stride(from: 0, to: 24, by: 2).map { Int(gguf[$0]) / 2 }
        #expect(rows == [0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11])
    }

    @Test(arguments: [(1, 2, 1), (3, 8, 5), (9, 64, 3), (3, 64, 7)])
    func matchesReferenceAndInverts(heads: Int, headDim: Int, columns: Int) throws {
        var rng = SeededGenerator(seed: UInt64(heads * 1000 + headDim))
        let rows = heads * headDim
        let hf = (0..<(rows * columns)).map { _ in Float(rng.nextNormal()) }
        let reference = Self.referencePermute(hf.map(Double.init), heads: heads, headDim: headDim, columns: columns)
        let permuted = try #require(GGUFRoPEPermutation.permute(hf, rows: rows, columns: columns, heads: heads))
        #expect(permuted.map(Double.init) == reference)
        #expect(GGUFRoPEPermutation.unpermute(reference.map(Float.init), rows: rows, columns: columns, heads: heads) == hf)
        #expect(GGUFRoPEPermutation.unpermute(permuted, rows: rows, columns: columns, heads: heads) == hf)
    }

    @Test func refusesShapesThatDoNotSplit() {
        #expect(GGUFRoPEPermutation.unpermute([Float](repeating: 0, count: 6), rows: 6, columns: 1, heads: 2) == nil)  // head of 3 rows
        #expect(GGUFRoPEPermutation.unpermute([Float](repeating: 0, count: 8), rows: 4, columns: 1, heads: 1) == nil)  // count mismatch
    }

    /// Why the un-permutation is needed: interleaved RoPE on GGUF-ordered rows equals rotate-half RoPE on
    /// Hugging Face-ordered rows, element for element after the same permutation.
    @Test func interleavedRoPEOnGGUFRowsEqualsRotateHalfOnHuggingFaceRows() throws {
        let headDim = 8, position = 5.0, theta = 10_000.0
        var rng = SeededGenerator(seed: 11)
        let q = (0..<headDim).map { _ in rng.nextNormal() }
        let angle = { (i: Int) in position * pow(theta, -2.0 * Double(i) / Double(headDim)) }
        var rotateHalf = [Double](repeating: 0, count: headDim)
        for i in 0..<(headDim / 2) {
            let (x, y) = (q[i], q[i + headDim / 2])
            rotateHalf[i] = x * cos(angle(i)) - y * sin(angle(i))
            rotateHalf[i + headDim / 2] = y * cos(angle(i)) + x * sin(angle(i))
        }
        let g = Self.referencePermute(q, heads: 1, headDim: headDim, columns: 1)
        var interleaved = [Double](repeating: 0, count: headDim)
        for i in 0..<(headDim / 2) {
            let (x, y) = (g[2 * i], g[2 * i + 1])
            interleaved[2 * i] = x * cos(angle(i)) - y * sin(angle(i))
            interleaved[2 * i + 1] = y * cos(angle(i)) + x * sin(angle(i))
        }
        #expect(interleaved == Self.referencePermute(rotateHalf, heads: 1, headDim: headDim, columns: 1))
    }

    /// A float32 model whose Hugging Face q/k weights are known: the checkpoint gives them back exactly,
    /// with k un-permuted by the key/value head count (which differs from the query head count here).
    @Test func checkpointReturnsHuggingFaceLayout() throws {
        typealias M = GGUFSyntheticModel
        var rng = SeededGenerator(seed: 5)
        var writer = try GGUFWriter()
        try M.metadata(&writer)
        var originals: [String: Tensor] = [:]
        for (name, dims) in M.dimensions(untied: true) {
            let shape = Array(dims.reversed())
            let tensor = Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(rng.nextNormal()) })
            let hfName = try #require(GGUFLlamaCheckpoint.huggingFaceName(name))
            originals[hfName] = tensor
            let heads = name.hasSuffix("attn_q.weight") ? M.heads : name.hasSuffix("attn_k.weight") ? M.kvHeads : nil
            if let heads {
                let stored = Self.referencePermute(tensor.scalars.map(Double.init), heads: heads, headDim: M.headDim, columns: shape[1])
                try writer.add(name, tensor: Tensor(shape: shape, scalars: stored.map(Float.init)))
            } else {
                try writer.add(name, tensor: tensor)
            }
        }
        let checkpoint = try GGUFLlamaCheckpoint(file: try M.open(writer))
        #expect(!checkpoint.info.tieWordEmbeddings)
        let loaded = try checkpoint.tensors()
        #expect(Set(loaded.keys) == Set(originals.keys))
        for (name, tensor) in originals { #expect(loaded[name] == tensor, "\(name)") }
        #expect(checkpoint.names.first == "model.embed_tokens.weight")
        #expect(checkpoint.shapes["model.layers.1.self_attn.k_proj.weight"] == [M.kvHeads * M.headDim, M.hidden])
    }

    @Test func namesMapBothWays() {
        let pairs = [
            ("token_embd.weight", "model.embed_tokens.weight"), ("output_norm.weight", "model.norm.weight"),
            ("output.weight", "lm_head.weight"), ("blk.12.attn_q.weight", "model.layers.12.self_attn.q_proj.weight"),
            ("blk.0.attn_output.weight", "model.layers.0.self_attn.o_proj.weight"),
            ("blk.3.ffn_down.weight", "model.layers.3.mlp.down_proj.weight"),
            ("blk.29.attn_norm.weight", "model.layers.29.input_layernorm.weight"),
            ("blk.29.ffn_norm.weight", "model.layers.29.post_attention_layernorm.weight"),
            // Qwen2's biases (a llama file holding one is refused by the checkpoint, which expects none).
            ("blk.1.attn_q.bias", "model.layers.1.self_attn.q_proj.bias"),
        ]
        for (gguf, hf) in pairs {
            #expect(GGUFLlamaCheckpoint.huggingFaceName(gguf) == hf)
            #expect(GGUFLlamaCheckpoint.ggufName(hf) == gguf)
        }
        for odd in ["blk.x.attn_q.weight", "blk.01.attn_q.weight", "blk.1.attn_norm.bias", "blk.1.attn_qq.weight", "rope_freqs.weight"] {
            #expect(GGUFLlamaCheckpoint.huggingFaceName(odd) == nil, "\(odd)")
        }
    }
}
