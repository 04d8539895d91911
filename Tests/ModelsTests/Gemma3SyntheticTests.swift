import Foundation
import Testing
import Tensors
@testable import GGUF
@testable import Models

/// A tiny random Gemma 3 written as GGUF: the forward pass against a float64 one written out here, the KV cache
/// against the full pass, and the errors a file that does not describe a Gemma 3 model gets.
@Suite("Gemma 3: a tiny random model against a float64 reference")
struct Gemma3SyntheticTests {
    static let hidden = 16, heads = 2, kvHeads = 1, headDim = 8, intermediate = 24, layers = 7, window = 3
    static let pieces = ["<pad>", "<eos>", "<bos>", "<unk>", "a", "b", "c", "▁", "ab", "▁a", "<start_of_turn>", "<end_of_turn>"]

    static func writer(seed: UInt64 = 3, extraKeys: [(String, GGUFValue)] = [], dropping: Set<String> = [],
                       extraTensor: Bool = false) throws -> GGUFWriter {
        var w = try GGUFWriter()
        let a = "gemma3"
        let keys: [(String, GGUFValue)] = [
            ("general.architecture", .string(a)),
            ("\(a).embedding_length", .uint32(UInt32(hidden))), ("\(a).block_count", .uint32(UInt32(layers))),
            ("\(a).attention.head_count", .uint32(UInt32(heads))), ("\(a).attention.head_count_kv", .uint32(UInt32(kvHeads))),
            ("\(a).attention.key_length", .uint32(UInt32(headDim))), ("\(a).attention.value_length", .uint32(UInt32(headDim))),
            ("\(a).feed_forward_length", .uint32(UInt32(intermediate))), ("\(a).context_length", .uint32(64)),
            ("\(a).rope.freq_base", .float32(1_000_000)), ("\(a).attention.sliding_window", .uint32(UInt32(window))),
            ("\(a).attention.layer_norm_rms_epsilon", .float32(1e-6)),
            ("tokenizer.ggml.model", .string("llama")), ("tokenizer.ggml.pre", .string("default")),
            ("tokenizer.ggml.tokens", .array(.string, pieces.map { .string($0) })),
            ("tokenizer.ggml.scores", .array(.float32, pieces.indices.map { .float32(-Float($0)) })),
            ("tokenizer.ggml.token_type", .array(.int32, pieces.indices.map { .int32($0 < 4 || $0 >= 10 ? 3 : 1) })),
            ("tokenizer.ggml.bos_token_id", .uint32(2)), ("tokenizer.ggml.eos_token_id", .uint32(1)),
            ("tokenizer.ggml.add_bos_token", .bool(true)), ("tokenizer.ggml.add_space_prefix", .bool(false)),
        ]
        for (key, value) in keys.filter({ !dropping.contains($0.0) }) + extraKeys { try w.set(key, value) }
        var rng = SeededGenerator(seed: seed)
        func add(_ name: String, _ shape: [Int], around center: Double = 0, spread: Double = 0.3) throws {
            guard !dropping.contains(name) else { return }
            let count = shape.reduce(1, *)
            try w.add(name, tensor: Tensor(shape: shape, scalars: (0..<count).map { _ in Float(center + spread * rng.nextNormal()) }))
        }
        try add("token_embd.weight", [pieces.count, hidden])
        for l in 0..<layers {
            let p = "blk.\(l)."
            try add(p + "attn_norm.weight", [hidden], around: 1, spread: 0.2)
            try add(p + "attn_q.weight", [heads * headDim, hidden])
            try add(p + "attn_k.weight", [kvHeads * headDim, hidden])
            try add(p + "attn_v.weight", [kvHeads * headDim, hidden])
            try add(p + "attn_q_norm.weight", [headDim], around: 1, spread: 0.2)
            try add(p + "attn_k_norm.weight", [headDim], around: 1, spread: 0.2)
            try add(p + "attn_output.weight", [hidden, heads * headDim])
            try add(p + "post_attention_norm.weight", [hidden], around: 1, spread: 0.2)
            try add(p + "ffn_norm.weight", [hidden], around: 1, spread: 0.2)
            try add(p + "ffn_gate.weight", [intermediate, hidden])
            try add(p + "ffn_up.weight", [intermediate, hidden])
            try add(p + "ffn_down.weight", [hidden, intermediate])
            try add(p + "post_ffw_norm.weight", [hidden], around: 1, spread: 0.2)
        }
        try add("output_norm.weight", [hidden], around: 1, spread: 0.2)
        if extraTensor { try add("blk.0.attn_q.bias", [heads * headDim]) }
        return w
    }

    static func file(_ writer: GGUFWriter) throws -> String {
        let path = try GGUFTestPaths.temporaryDirectory().appendingPathComponent("gemma3.gguf").path
        try writer.write(to: path)
        return path
    }

    /// The Gemma 3 forward pass in float64 over the file's float32 tensors, written out plainly.
    static func reference(_ file: GGUFFile, tokens: [Int]) throws -> [[Double]] {
        func t(_ name: String) throws -> [Double] { try file.floats(name).map(Double.init) }
        func norm(_ x: [Double], _ w: [Double]) -> [Double] {
            let inv = 1 / (x.reduce(0) { $0 + $1 * $1 } / Double(x.count) + 1e-6).squareRoot()
            return zip(x, w).map { $0 * inv * $1 }
        }
        func matvec(_ m: [Double], _ x: [Double], rows: Int) -> [Double] {
            (0..<rows).map { r in (0..<x.count).reduce(0) { $0 + m[r * x.count + $1] * x[$1] } }
        }
        func rope(_ v: [Double], position: Int, theta: Double) -> [Double] {
            var out = v
            let half = headDim / 2
            for i in 0..<half {
                let angle = Double(position) / pow(theta, Double(2 * i) / Double(headDim))
                out[i] = v[i] * cos(angle) - v[i + half] * sin(angle)
                out[i + half] = v[i + half] * cos(angle) + v[i] * sin(angle)
            }
            return out
        }
        let embedding = try t("token_embd.weight")
        var x = tokens.map { id in (0..<hidden).map { embedding[id * hidden + $0] * Double(hidden).squareRoot() } }
        let n = tokens.count
        for l in 0..<layers {
            let p = "blk.\(l)."
            let global = (l + 1) % 6 == 0
            let theta = global ? 1_000_000.0 : 10_000.0
            let (wq, wk, wv, wo) = (try t(p + "attn_q.weight"), try t(p + "attn_k.weight"), try t(p + "attn_v.weight"), try t(p + "attn_output.weight"))
            let (qn, kn) = (try t(p + "attn_q_norm.weight"), try t(p + "attn_k_norm.weight"))
            var q: [[[Double]]] = [], k: [[Double]] = [], v: [[Double]] = []
            for i in 0..<n {
                let h = norm(x[i], try t(p + "attn_norm.weight"))
                let qa = matvec(wq, h, rows: heads * headDim)
                q.append((0..<heads).map { rope(norm(Array(qa[($0 * headDim)..<(($0 + 1) * headDim)]), qn), position: i, theta: theta) })
                k.append(rope(norm(matvec(wk, h, rows: headDim), kn), position: i, theta: theta))
                v.append(matvec(wv, h, rows: headDim))
            }
            for i in 0..<n {
                var attention: [Double] = []
                for head in 0..<heads {
                    let visible = (0...i).filter { global || $0 > i - window }
                    let scores = visible.map { j in zip(q[i][head], k[j]).reduce(0) { $0 + $1.0 * $1.1 } / Double(headDim).squareRoot() }
                    let m = scores.max()!
                    let e = scores.map { exp($0 - m) }
                    let total = e.reduce(0, +)
                    attention += (0..<headDim).map { d in zip(visible, e).reduce(0) { $0 + $1.1 / total * v[$1.0][d] } }
                }
                let o = norm(matvec(wo, attention, rows: hidden), try t(p + "post_attention_norm.weight"))
                x[i] = zip(x[i], o).map(+)
                let h = norm(x[i], try t(p + "ffn_norm.weight"))
                let gate = matvec(try t(p + "ffn_gate.weight"), h, rows: intermediate)
                let up = matvec(try t(p + "ffn_up.weight"), h, rows: intermediate)
                let act = zip(gate, up).map { g, u in 0.5 * g * (1 + tanh((2 / Double.pi).squareRoot() * (g + 0.044715 * g * g * g))) * u }
                let down = norm(matvec(try t(p + "ffn_down.weight"), act, rows: hidden), try t(p + "post_ffw_norm.weight"))
                x[i] = zip(x[i], down).map(+)
            }
        }
        let final = try t("output_norm.weight")
        return x.map { matvec(embedding, norm($0, final), rows: pieces.count) }
    }

    @Test func forwardMatchesFloat64ReferenceAcrossWindowAndGlobalLayer() throws {
        let path = try Self.file(try Self.writer())
        let loaded = try ModelLoader.load(.gguf(path: path), quantization: nil)
        let model = loaded.model
        #expect(model.config.gemma3?.slidingWindow == Self.window)
        #expect((0..<Self.layers).filter { model.config.gemma3!.isGlobal(layer: $0) } == [5])
        let tokens = [2, 4, 5, 6, 7, 8, 9, 4, 5, 6]
        let logits = try model.forward(tokens: tokens, batch: 1, sequence: tokens.count).scalars
        let expected = try Self.reference(try GGUFFile(path: path), tokens: tokens)
        let vocab = Self.pieces.count
        for i in tokens.indices {
            let error = relativeError(Array(logits[(i * vocab)..<((i + 1) * vocab)]), expected[i])
            #expect(error < 1e-5, "position \(i): relative error \(error)")
        }
        // One token at a time through the KV cache gives the full pass's rows.
        let cache = KVCache(config: model.config, capacity: tokens.count)
        for (i, token) in tokens.enumerated() {
            let row = try model.forward(tokens: [token], batch: 1, sequence: 1, cache: cache).scalars
            #expect(relativeError(row, expected[i]) < 1e-5, "cached position \(i)")
        }
        // The tokenizer is the file's SentencePiece vocabulary, with BOS and Gemma's turns.
        let tokenizer = try #require(loaded.tokenizer)
        #expect(tokenizer.encodeSequence("ab a") == [2, 8, 9])
        #expect(tokenizer.chatTemplate == .gemma)
        #expect(model.config.eosTokenIDs == [1, 11])
    }

    @Test func theFamilyRegistryPicksTheReaderAndStatesWhatTheFamilyCanDo() throws {
        #expect(ModelFamily.gguf(architecture: "gemma3")?.name == "gemma3")
        #expect(ModelFamily.gguf(architecture: "llama")?.name == "llama")
        #expect(ModelFamily.gguf(architecture: "qwen2")?.name == "qwen2")
        #expect(ModelFamily.gguf(architecture: "phi3") == nil)
        let loaded = try ModelLoader.load(.gguf(path: try Self.file(try Self.writer())), quantization: nil)
        #expect(loaded.model.config.family.name == "gemma3" && loaded.model.config.family.trainable)
        #expect(ModelFamily.llama.trainable && ModelFamily.gemma3.chatTemplate == .gemma)
        // A merge writes a Gemma 3 checkpoint (gemma3_text, norms stored as w of 1 + w) that reads back as the same
        // model: its configuration, and logits across the window and the global layer.
        let out = try GGUFTestPaths.temporaryDirectory().appendingPathComponent("merged").path
        try AdapterMerge.write(model: loaded.model, adapter: nil, to: out, type: .float32)
        let checkpoint = try HuggingFaceCheckpoint(directory: out)
        #expect(checkpoint.config == loaded.model.config)
        let back = try checkpoint.model { _, w in FrozenLinear(dense: w) }
        let tokens = [2, 4, 5, 6, 7, 8, 9, 4, 5, 6]
        let expected = try loaded.model.forward(tokens: tokens, batch: 1, sequence: tokens.count).scalars
        let got = try back.forward(tokens: tokens, batch: 1, sequence: tokens.count).scalars
        #expect(zip(got, expected).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
        // An architecture no family reads names the ones that are read.
        var other = try Self.writer(extraKeys: [("general.architecture", .string("phi3"))], dropping: ["general.architecture"])
        try other.set("phi3.block_count", .uint32(1))
        do {
            _ = try ModelLoader.load(.gguf(path: try Self.file(other)), quantization: nil)
            Issue.record("a phi3 file loaded")
        } catch let error as GGUFError {
            #expect(error.key == "general.architecture" && error.message.contains("gemma3, llama, qwen2"))
        }
    }

    @Test func filesThatAreNotGemma3ModelsAreErrorsNamingTheKeyOrTensor() throws {
        func error(_ writer: GGUFWriter) throws -> GGUFError? {
            do {
                _ = try ModelLoader.load(.gguf(path: try Self.file(writer)), quantization: nil)
                return nil
            } catch let error as GGUFError {
                return error
            }
        }
        #expect(try error(Self.writer(dropping: ["gemma3.attention.sliding_window"]))?.key == "gemma3.attention.sliding_window")
        #expect(try error(Self.writer(extraKeys: [("gemma3.final_logit_softcapping", .float32(30))]))?.key == "gemma3.final_logit_softcapping")
        #expect(try error(Self.writer(extraTensor: true))?.tensor == "blk.0.attn_q.bias")
        #expect(try error(Self.writer(dropping: ["blk.3.post_ffw_norm.weight"]))?.tensor == "blk.3.post_ffw_norm.weight")
        #expect(try error(Self.writer(extraKeys: [("gemma3.attention.sliding_window", .int32(-4))],
                                      dropping: ["gemma3.attention.sliding_window"]))?.key == "gemma3.attention.sliding_window")
    }
}
