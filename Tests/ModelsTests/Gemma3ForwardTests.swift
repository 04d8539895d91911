import Support
import Foundation
import Testing
import Tensors
@testable import GGUF
@testable import Models

/// Gemma 3 270M from its GGUF (dequantized to float32) against transformers' logits and greedy continuations on
/// the same file (Tests/Fixtures/gemma3/logits.py).
@Suite("Gemma 3: the real 270M model against transformers", .serialized)
struct Gemma3ForwardTests {
    static func reference() throws -> JSONValue {
        try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: GemmaTestPaths.fixture("logits.json"))))
    }

    static func sampled(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: GemmaTestPaths.fixture("logits-\(name).f32")))
        return data.withUnsafeBytes { bytes in
            (0..<(bytes.count / 4)).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    @Test(.enabled(if: GemmaTestPaths.available, GemmaTestPaths.skipReason))
    func configurationFromTheHeader() throws {
        let config = try Gemma3GGUF.config(try GGUFFile(path: GemmaTestPaths.model))
        let reference = try Self.reference()["config"]!
        #expect(config.hiddenSize == reference["hidden_size"]?.int)
        #expect(config.numHiddenLayers == reference["num_hidden_layers"]?.int)
        #expect(config.numAttentionHeads == reference["num_attention_heads"]?.int)
        #expect(config.numKeyValueHeads == reference["num_key_value_heads"]?.int)
        #expect(config.headDim == reference["head_dim"]?.int)
        #expect(config.intermediateSize == reference["intermediate_size"]?.int)
        #expect(config.tieWordEmbeddings)
        let g = try #require(config.gemma3)
        #expect(g.slidingWindow == reference["sliding_window"]?.int)
        #expect(g.queryScale == 1 / (reference["query_pre_attn_scalar"]?.double ?? .nan).squareRoot())
        // transformers names each layer's kind; ours follow from every sixth layer being global.
        let kinds = try #require(reference["layer_types"]?.array).compactMap(\.string)
        #expect(kinds == (0..<config.numHiddenLayers).map { g.isGlobal(layer: $0) ? "full_attention" : "sliding_attention" })
        let rope = reference["rope_parameters"]
        let globalTheta = rope?["full_attention"]?["rope_theta"]?.double ?? reference["rope_theta"]?.double
        let localTheta = rope?["sliding_attention"]?["rope_theta"]?.double ?? reference["rope_local_base_freq"]?.double
        #expect(config.ropeTheta == globalTheta)
        #expect(g.localRopeTheta == localTheta)
    }

    @Test(.enabled(if: GemmaTestPaths.available, GemmaTestPaths.skipReason))
    func logitsAndGreedyContinuationsMatchTransformers() throws {
        let reference = try Self.reference()
        let loaded = try ModelLoader.load(.gguf(path: GemmaTestPaths.model), quantization: nil)
        let model = loaded.model
        let tokenizer = try #require(loaded.tokenizer)
        let vocab = model.config.vocabSize
        let columns = try #require(reference["columns"]?.array).compactMap(\.int)
        var worst = 0.0
        for name in ["english", "chinese", "long"] {
            let prompt = try #require(reference["prompts"]?[name])
            let ids = try #require(prompt["ids"]?.array).compactMap(\.int)
            #expect(tokenizer.encodeSequence(try #require(prompt["text"]?.string)) == ids, "\(name): token ids")
            let positions = try #require(prompt["positions"]?.array).compactMap(\.int)
            let top = try #require(prompt["top10"]?.array).map { $0.array!.compactMap(\.int) }
            let expected = try Self.sampled(name)
            #expect(expected.count == positions.count * columns.count)
            let lastOnly = positions == [ids.count - 1]
            let logits = try model.forward(tokens: ids, batch: 1, sequence: ids.count, lastPositionOnly: lastOnly).scalars
            for (row, position) in positions.enumerated() {
                let base = (lastOnly ? 0 : position) * vocab
                let ours = columns.map { logits[base + $0] }
                let theirs = Array(expected[(row * columns.count)..<((row + 1) * columns.count)])
                let error = relativeError(ours, theirs)
                worst = max(worst, error)
                #expect(error <= 1e-3, "\(name) position \(position): relative error \(error)")
                let best = (0..<vocab).max { logits[base + $0] < logits[base + $1] }!
                #expect(best == top[row][0], "\(name) position \(position): argmax \(best), transformers \(top[row][0])")
            }
            // Greedy continuation through the KV cache.
            let greedy = try #require(prompt["greedy"]?.array).compactMap(\.int)
            let cache = KVCache(config: model.config, capacity: ids.count + greedy.count + 1)
            var next = try model.forward(tokens: ids, batch: 1, sequence: ids.count, cache: cache, lastPositionOnly: true).scalars
            var continuation: [Int] = []
            for _ in greedy.indices {
                let token = (0..<vocab).max { next[$0] < next[$1] }!
                continuation.append(token)
                next = try model.forward(tokens: [token], batch: 1, sequence: 1, cache: cache, lastPositionOnly: true).scalars
            }
            #expect(continuation == greedy, "\(name): greedy \(tokenizer.decode(continuation).debugDescription) vs \(tokenizer.decode(greedy).debugDescription)")
        }
        print("Gemma 3 270M vs transformers: largest relative error of the sampled logits \(worst)")
    }

    /// `qlab show --model` on the GGUF file reads the family's own configuration: the sliding window, the local
    /// layers' RoPE base and the global layers' spacing come from the file's metadata, as the forward pass uses them.
    @Test(.enabled(if: GemmaTestPaths.available, GemmaTestPaths.skipReason))
    func theDescriptionOfTheGGUFFileNamesTheAttentionPattern() throws {
        let description = try ModelDescription(.gguf(path: GemmaTestPaths.model))
        let lines = Dictionary(description.lines, uniquingKeysWith: { (a: String, _: String) in a })
        #expect(lines["family"] == "gemma3")
        #expect(lines["attention"] == "sliding window 512 (RoPE base 10000.0), global every 6", "\(description.lines)")
        #expect(lines["RoPE base"] == "1000000.0" && lines["context"] == "32768")
    }
}
