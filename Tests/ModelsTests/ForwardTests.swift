import Support
import Foundation
import Testing
@testable import Models
import Tensors

struct ForwardTests {
    static func denseTinyModel() throws -> (LlamaModel, ReferenceForward) {
        let checkpoint = try HuggingFaceCheckpoint(directory: TestPaths.tinyLlama)
        var tensors: [String: [Float]] = [:]
        for name in checkpoint.tensorNames { tensors[name] = try checkpoint.tensor(name)!.scalars }
        let model = try checkpoint.model { _, w in FrozenLinear(dense: w) }
        return (model, ReferenceForward(config: checkpoint.config, tensors: tensors))
    }

    static func batch(_ step: Int) throws -> (ids: [Int], mask: [Int], labels: [Int]) {
        let file = try SafeTensorsFile(path: TestPaths.fixture("qlora-reference/tiny-llama/batches.safetensors"))
        let s = String(format: "step%03d", step)
        return (try file.integers(s + "_input_ids"), try file.integers(s + "_attention_mask"), try file.integers(s + "_labels"))
    }

    @Test func configurationOfTheReferenceModel() throws {
        let c = try LlamaConfig.load(path: TestPaths.tinyLlama + "/config.json")
        #expect(c.hiddenSize == 128 && c.numHiddenLayers == 2 && c.numAttentionHeads == 4 && c.numKeyValueHeads == 2)
        #expect(c.headDim == 32 && c.intermediateSize == 352 && c.vocabSize == 259 && !c.tieWordEmbeddings)
        #expect(c.ropeTheta == 10_000 && c.rmsNormEps == 1e-5 && c.bosTokenID == 257 && c.eosTokenIDs == [258] && c.padTokenID == 256)
    }

    @Test(arguments: [
        (#""rope_scaling": {"rope_type": "yarn", "factor": 4}"#, "rope_scaling.rope_type"),
        (#""architectures": ["GPT2LMHeadModel"]"#, "architectures"),
        (#""hidden_act": "gelu""#, "hidden_act"),
        (#""attention_bias": true"#, "attention_bias"),
        (#""num_key_value_heads": 3"#, "num_key_value_heads"),
    ])
    func unsupportedConfigurationsNameTheField(patch: String, field: String) throws {
        let base = #"{"hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 4, "intermediate_size": 96, "vocab_size": 10"#
        let text = base + ", " + patch + "}"
        let json = try JSONValue.parse(Data(text.utf8))
        do {
            _ = try LlamaConfig.parse(json, source: "config.json")
            Issue.record("accepted \(patch)")
        } catch let error as LlamaConfigError {
            #expect(error.field == field, "\(error)")
        }
    }

    @Test func acceptsThetaAtTheTopLevelOrUnderRopeParameters() throws {
        let top = #"{"hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 4, "intermediate_size": 96, "vocab_size": 10, "rope_theta": 500000}"#
        let nested = #"{"hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 4, "intermediate_size": 96, "vocab_size": 10, "rope_parameters": {"rope_theta": 250000, "rope_type": "default"}}"#
        #expect(try LlamaConfig.parse(JSONValue.parse(Data(top.utf8)), source: "a").ropeTheta == 500_000)
        #expect(try LlamaConfig.parse(JSONValue.parse(Data(nested.utf8)), source: "b").ropeTheta == 250_000)
    }

    @Test func denseLogitsMatchAFloat64Reference() throws {
        let (model, reference) = try Self.denseTinyModel()
        let (ids, mask, _) = try Self.batch(0)
        let logits = try model.forward(tokens: ids, batch: 4, sequence: 32, attentionMask: mask)
        #expect(logits.shape == [4, 32, 259])
        for b in [0, 3] {
            let row = Array(ids[(b * 32)..<(b * 32 + 32)]), m = Array(mask[(b * 32)..<(b * 32 + 32)])
            let expected = reference.logits(tokens: row, mask: m).flatMap { $0 }
            let got = Array(logits.scalars[(b * 32 * 259)..<((b + 1) * 32 * 259)])
            #expect(relativeError(got, expected) < 1e-5, "sequence \(b)")
        }
    }

    @Test func loraOutputEqualsTheMergedWeight() throws {
        let (model, reference) = try Self.denseTinyModel()
        var adapter = LoRAAdapter.initialized(config: model.config, rank: 4, alpha: 8, targets: [.q, .v, .down], seed: 3)
        var rng = SeededGenerator(seed: 9)
        for l in adapter.layers.indices {
            for p in adapter.targets { adapter.layers[l][p]!.b = adapter.layers[l][p]!.b.map { _ in rng.nextUniform() - 0.5 } }
        }
        // Merged delta W = scaling · B·A (out × in).
        var delta: [String: [Double]] = [:]
        for (l, pairs) in adapter.layers.enumerated() {
            for (p, w) in pairs {
                let (out, inp) = p.shape(model.config)
                var dw = [Double](repeating: 0, count: out * inp)
                for o in 0..<out { for i in 0..<inp { for r in 0..<4 { dw[o * inp + i] += Double(w.b[o * 4 + r]) * Double(w.a[r * inp + i]) } } }
                delta[p.weightName(layer: l)] = dw.map { $0 * 2 }
            }
        }
        let tokens = [257, 49, 50, 43, 51, 61, 52, 10]
        let got = try model.forward(tokens: tokens, batch: 1, sequence: tokens.count, adapter: adapter).scalars
        let expected = reference.logits(tokens: tokens, delta: delta).flatMap { $0 }
        #expect(relativeError(got, expected) < 1e-5)
        let plain = try model.forward(tokens: tokens, batch: 1, sequence: tokens.count).scalars
        #expect(relativeError(plain, expected) > 1e-3, "the adapter must change the logits")
    }

    @Test func cachedIncrementalLogitsEqualTheFullPass() throws {
        let (model, _) = try Self.denseTinyModel()
        let tokens = [257, 72, 101, 108, 108, 111, 44, 32, 119, 111, 114, 108, 100]
        let full = try model.forward(tokens: tokens, batch: 1, sequence: tokens.count).scalars
        let cache = KVCache(config: model.config, capacity: 32)
        var pieces: [Float] = try model.forward(tokens: Array(tokens[0..<5]), batch: 1, sequence: 5, cache: cache).scalars
        for t in tokens[5...] { pieces += try model.forward(tokens: [t], batch: 1, sequence: 1, cache: cache).scalars }
        #expect(cache.length == tokens.count)
        #expect(relativeError(pieces, full) < 1e-6)
    }

    @Test func rejectsBadInput() throws {
        let (model, _) = try Self.denseTinyModel()
        #expect(throws: ForwardError.self) { try model.forward(tokens: [300], batch: 1, sequence: 1) }
        #expect(throws: ForwardError.self) { try model.forward(tokens: [1, 2, 3], batch: 2, sequence: 2) }
        let cache = KVCache(config: model.config, capacity: 2)
        #expect(throws: ForwardError.self) { try model.forward(tokens: [1, 2, 3], batch: 1, sequence: 3, cache: cache) }
    }

    @Test func peftAdapterLoadsAndSavesRoundTrip() throws {
        let config = try LlamaConfig.load(path: TestPaths.tinyLlama + "/config.json")
        let dir = TestPaths.fixture("qlora-reference/tiny-llama/r8_a16_lr1e-3_all_dq/adapter_final_cuda")
        let adapter = try LoRAAdapter.load(directory: dir, config: config)
        #expect(adapter.rank == 8 && adapter.alpha == 16 && adapter.targets.count == 7 && adapter.scaling == 2)
        #expect(adapter.layers[1][.down]!.a.count == 8 * 352 && adapter.layers[1][.down]!.b.count == 128 * 8)
        let out = try TestPaths.temporaryDirectory().path
        try adapter.save(directory: out, baseModel: TestPaths.tinyLlama, config: config)
        let again = try LoRAAdapter.load(directory: out, config: config)
        #expect(again == adapter)
        let keys = Set(try SafeTensorsFile(path: out + "/adapter_model.safetensors").names)
        let reference = Set(try SafeTensorsFile(path: dir + "/adapter_model.safetensors").names)
        #expect(keys == reference)
    }
}
