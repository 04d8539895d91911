import Foundation
import Support
import Tensors
import Testing
@testable import Models
@testable import Tokenizers

/// A tiny random Qwen2 (`Tests/Fixtures/qlora-reference/tiny-qwen2`, written by its `make.py` with transformers,
/// tokenizers and gguf-py): its configuration, its tokenizer of Qwen's kind against transformers' ids, and its
/// logits against transformers', read from the Hugging Face checkpoint and from the GGUF file.
@Suite("Qwen2: a tiny random model against transformers")
struct Qwen2Tests {
    static let root = TestPaths.fixture("qlora-reference/tiny-qwen2")
    static let base = root + "/base"

    static func dense(_ name: String, _ w: Tensor) throws -> FrozenLinear { FrozenLinear(dense: w) }

    static func reference() throws -> (ids: [Int], logits: [Float]) {
        let file = try SafeTensorsFile(path: root + "/logits.safetensors")
        return (try file.integers("input_ids"), try file.floats("logits"))
    }

    struct TokenCases: Decodable {
        let texts: [String]
        let ids: [[Int]]
        let decoded: [String]
    }

    static func tokenCases() throws -> TokenCases {
        try JSONDecoder().decode(TokenCases.self, from: Data(contentsOf: URL(fileURLWithPath: root + "/tokens.json")))
    }

    @Test func theCheckpointReadsAsQwen2() throws {
        let config = try LlamaConfig.load(path: Self.base + "/config.json")
        #expect(config.family.name == "qwen2" && config.family.trainable && !config.family.fullyTrainable)
        #expect(config.ropeTheta == 1_000_000 && config.tieWordEmbeddings && config.numKeyValueHeads == 2 && config.headDim == 16)
        #expect(config.gemma3 == nil && config.eosTokenIDs == [2] && config.padTokenID == 0)
        let model = try HuggingFaceCheckpoint(directory: Self.base).model(linear: Self.dense)
        for layer in model.layers {
            #expect(Projection.allCases.filter { layer[$0].bias != nil } == [.q, .k, .v])
        }
    }

    @Test func logitsEqualTransformers() throws {
        let (ids, expected) = try Self.reference()
        let model = try HuggingFaceCheckpoint(directory: Self.base).model(linear: Self.dense)
        let logits = try model.forward(tokens: ids, batch: 1, sequence: ids.count).scalars
        let error = relativeError(logits, expected)
        #expect(error < 1e-5, "relative error \(error)")
        // The biases matter: without them the logits are far off (so the comparison above sees them).
        let unbiased = LlamaModel(config: model.config, embedding: model.embedding, layers: model.layers.map { layer in
            LlamaLayer(inputNorm: layer.inputNorm, postAttentionNorm: layer.postAttentionNorm, projections: layer.projections.map {
                var p = $0
                p.bias = nil
                return p
            })
        }, finalNorm: model.finalNorm, lmHead: model.lmHead)
        #expect(relativeError(try unbiased.forward(tokens: ids, batch: 1, sequence: ids.count).scalars, expected) > 1e-2)
    }

    @Test func theGGUFFileGivesTheSameModelAndTokenizer() throws {
        let (ids, expected) = try Self.reference()
        let loaded = try ModelLoader.load(.gguf(path: Self.root + "/model.gguf"), quantization: nil)
        #expect(loaded.model.config.family.name == "qwen2")
        let logits = try loaded.model.forward(tokens: ids, batch: 1, sequence: ids.count).scalars
        let error = relativeError(logits, expected)
        #expect(error < 1e-5, "relative error \(error)")
        let tokenizer = try #require(loaded.tokenizer)
        let cases = try Self.tokenCases()
        for (text, ids) in zip(cases.texts, cases.ids) {
            #expect(tokenizer.encode(text) == ids, "\(text.debugDescription)")
        }
    }

    @Test func generationWithTheCacheFollowsTheFullForwardPass() throws {
        let (ids, _) = try Self.reference()
        let model = try HuggingFaceCheckpoint(directory: Self.base).model(linear: Self.dense)
        let full = try model.forward(tokens: ids, batch: 1, sequence: ids.count).scalars
        let cache = KVCache(config: model.config, batch: 1, capacity: ids.count)
        var stepped: [Float] = []
        for id in ids { stepped += try model.forward(tokens: [id], batch: 1, sequence: 1, cache: cache).scalars }
        #expect(relativeError(stepped, full) < 1e-5)
    }

    @Test func tokenizerIDsEqualTransformers() throws {
        let tokenizer = try BPETokenizer(huggingFaceJSON: Self.base + "/tokenizer.json")
        #expect(tokenizer.normalization == .nfc && tokenizer.preTokenizer.pattern == .qwen2)
        let cases = try Self.tokenCases()
        #expect(cases.texts.count == 31)
        for (i, text) in cases.texts.enumerated() {
            let ids = tokenizer.encode(text)
            #expect(ids == cases.ids[i], "\(text.debugDescription): \(ids) vs \(cases.ids[i])")
            #expect(tokenizer.decode(ids) == cases.decoded[i], "\(text.debugDescription)")
        }
    }

    @Test func theTokenizerWritesBackAsItReads() throws {
        let tokenizer = try BPETokenizer(huggingFaceJSON: Self.base + "/tokenizer.json")
        let dir = try TestPaths.temporaryDirectory().path
        try tokenizer.writeHuggingFaceFiles(to: dir)
        let again = try BPETokenizer(huggingFaceJSON: dir + "/tokenizer.json")
        #expect(again.normalization == .nfc && again.preTokenizer == tokenizer.preTokenizer)
        for text in try Self.tokenCases().texts { #expect(again.encode(text) == tokenizer.encode(text)) }
    }

    static let configText: String = try! String(contentsOfFile: base + "/config.json", encoding: .utf8)

    /// The field named by the error that `text` gets.
    static func failingField(_ text: String) -> String? {
        do {
            _ = try LlamaConfig.parse(try JSONValue.parse(Data(text.utf8)), source: "model/config.json")
            return nil
        } catch let error as LlamaConfigError {
            #expect(error.path == "model/config.json")
            return error.field
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func whatWouldBeComputedDifferentlyIsRefusedNamingTheField() {
        func variant(_ old: String, _ new: String) -> String {
            precondition(Self.configText.contains(old), old)
            return Self.configText.replacingOccurrences(of: old, with: new)
        }
        #expect(Self.failingField(Self.configText) == nil)
        #expect(Self.failingField(variant("\"use_sliding_window\": false", "\"use_sliding_window\": true")) == "use_sliding_window")
        #expect(Self.failingField(variant("\"rope_type\": \"default\"", "\"rope_type\": \"yarn\"")) == "rope_parameters.rope_type")
        #expect(Self.failingField(variant("\"rope_parameters\"", "\"rope_scaling\": {\"type\": \"dynamic\", \"factor\": 2.0}, \"rope_parameters\""))
                == "rope_scaling.rope_type")
        #expect(Self.failingField(variant("\"full_attention\"\n  ]", "\"sliding_attention\"\n  ]")) == "layer_types")
        #expect(Self.failingField(variant("\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\"")) == "hidden_act")
        #expect(Self.failingField(variant("\"model_type\": \"qwen2\"", "\"model_type\": \"qwen3\"")) == "model_type")
        // The sliding window itself is ignored while use_sliding_window is false, as transformers does.
        #expect(Self.failingField(variant("\"sliding_window\": null", "\"sliding_window\": 8")) == nil)
    }
}

/// Qwen2's split pattern on cases whose words are known from the regex itself.
@Suite("Qwen2 pre-tokenizer: the split pattern")
struct Qwen2PreTokenizerTests {
    static func words(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        var ranges: [Range<Int>] = []
        BPEPreTokenizer.qwen2.split(bytes, 0..<bytes.count, into: &ranges)
        return ranges.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    @Test func splitsAsTheRegexDoes() {
        #expect(Self.words("Hello world") == ["Hello", " world"])
        #expect(Self.words("I'M here, YOU'RE") == ["I", "'M", " here", ",", " YOU", "'RE"])
        // The contractions come first and in any case: a letter after one starts the next word.
        #expect(Self.words("HE'LLo") == ["HE", "'LL", "o"])
        #expect(Self.words("'Sx") == ["'S", "x"])
        #expect(Self.words("'ſx") == ["'ſ", "x"])
        // After a space the apostrophe goes with the space (` ?[^\s\p{L}\p{N}]+`), not with the letters.
        #expect(Self.words("x 'Sx") == ["x", " '", "Sx"])
        #expect(Self.words("12345") == ["1", "2", "3", "4", "5"])
        #expect(Self.words("!abc !!abc") == ["!abc", " !!", "abc"])
        #expect(Self.words("a\n\n  b") == ["a", "\n\n", " ", " b"])
        #expect(Self.words("x  \n  y") == ["x", "  \n", " ", " y"])
        #expect(Self.words("end.\n\nNext") == ["end", ".\n\n", "Next"])
        #expect(Self.words("\tcode") == ["\tcode"])
        #expect(Self.words("trailing   ") == ["trailing", "   "])
        #expect(Self.words("中文，English") == ["中文", "，English"])
    }
}
