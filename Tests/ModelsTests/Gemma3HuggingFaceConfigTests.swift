import Support
import Foundation
import Tensors
import Testing
@testable import Models

/// A Gemma 3 `config.json` (transformers 5 layout, as `Tests/Fixtures/qlora-reference/tiny-gemma3/base` has it, and
/// the older top-level one): the settings it states, and a clear error for what this implementation would compute
/// differently.
@Suite("Gemma 3: reading a Hugging Face config.json")
struct Gemma3HuggingFaceConfigTests {
    static let text: String = try! String(contentsOfFile: TestPaths.fixture("qlora-reference/tiny-gemma3/base/config.json"), encoding: .utf8)

    static func parse(_ text: String) throws -> LlamaConfig {
        try LlamaConfig.parse(try JSONValue.parse(Data(text.utf8)), source: "model/config.json")
    }

    /// The field named by the error that `text` gets.
    static func failingField(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as LlamaConfigError {
            #expect(error.path == "model/config.json")
            return error.field
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func theTransformers5AndOlderLayoutsGiveTheSameSettings() throws {
        let current = try Self.parse(Self.text)
        let g = try #require(current.gemma3)
        #expect(g.slidingWindow == 8 && g.globalLayerEvery == 2 && g.localRopeTheta == 10_000 && current.ropeTheta == 1_000_000)
        #expect(g.queryScale == 1 / 24.0.squareRoot())
        let older = """
        {"model_type": "gemma3_text", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 3,
         "num_attention_heads": 4, "num_key_value_heads": 1, "head_dim": 16, "vocab_size": 300, "rms_norm_eps": 1e-06,
         "max_position_embeddings": 128, "sliding_window": 8, "sliding_window_pattern": 2, "query_pre_attn_scalar": 24,
         "rope_theta": 1000000.0, "rope_local_base_freq": 10000.0, "rope_scaling": null, "bos_token_id": 2,
         "eos_token_id": 1, "pad_token_id": 0, "hidden_activation": "gelu_pytorch_tanh",
         "final_logit_softcapping": null, "attn_logit_softcapping": null}
        """
        #expect(try Self.parse(older) == current)
    }

    @Test func whatWouldBeComputedDifferentlyIsRefusedNamingTheField() {
        func variant(_ old: String, _ new: String) -> String {
            #expect(Self.text.contains(old), "the fixture's config.json has no \(old)")
            return Self.text.replacingOccurrences(of: old, with: new)
        }
        #expect(Self.failingField(variant("\"final_logit_softcapping\": null", "\"final_logit_softcapping\": 30.0")) == "final_logit_softcapping")
        #expect(Self.failingField(variant("\"hidden_activation\": \"gelu_pytorch_tanh\"", "\"hidden_activation\": \"gelu\"")) == "hidden_activation")
        #expect(Self.failingField(variant("\"sliding_window\": 8,", "")) == "sliding_window")
        // One global layer first and then none: no "every n-th layer" pattern describes it.
        #expect(Self.failingField(variant("\"sliding_attention\",\n    \"full_attention\"", "\"full_attention\",\n    \"sliding_attention\"")) == "layer_types")
        #expect(Self.failingField(variant("\"rope_theta\": 1000000.0,\n      \"rope_type\": \"default\"",
                                          "\"rope_theta\": 1000000.0,\n      \"rope_type\": \"linear\", \"factor\": 8.0")) == "rope_parameters.full_attention.rope_type")
        #expect(Self.failingField(variant("\"use_bidirectional_attention\": false", "\"use_bidirectional_attention\": true")) == "use_bidirectional_attention")
    }
}
