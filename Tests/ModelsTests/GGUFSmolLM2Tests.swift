import Support
import Foundation
import Testing
import Tensors
@testable import GGUF
@testable import Models

/// Paths for the GGUF tests: the package root, the committed fixtures and the downloaded model.
enum GGUFTestPaths {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let smolLM2 = packageRoot.appendingPathComponent(".cache/models/smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf").path
    static let reference = packageRoot.appendingPathComponent("Tests/Fixtures/smollm2/reference.json").path

    /// The real model, or a failure that says how to get it.
    static func requireSmolLM2() throws -> GGUFFile {
        guard FileManager.default.fileExists(atPath: smolLM2) else {
            Issue.record("SmolLM2 GGUF missing at \(smolLM2): run scripts/setup to fetch it")
            throw GGUFError(path: smolLM2, message: "missing; run scripts/setup")
        }
        return try GGUFFile(path: smolLM2)
    }

    /// A fresh temporary directory for one test.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-gguf-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

@Suite("GGUF: the real SmolLM2-135M-Instruct file")
struct GGUFSmolLM2Tests {
    @Test func headerAndMetadata() throws {
        let file = try GGUFTestPaths.requireSmolLM2()
        #expect(file.version == 3)
        #expect(file.alignment == 32)
        #expect(file.dataOffset % 32 == 0)
        #expect(file.metadata["general.architecture"]?.string == "llama")
        #expect(file.metadata["tokenizer.ggml.tokens"]?.strings?.count == 49152)
        #expect(file.metadata["tokenizer.ggml.model"]?.string == "gpt2")
        #expect(file.metadata["tokenizer.ggml.merges"]?.strings?.first == "Ġ t")
        #expect(file.metadata["tokenizer.ggml.token_type"]?.ints?.count == 49152)
        #expect(file.metadata["tokenizer.ggml.bos_token_id"]?.int == 1)
        #expect(file.metadata["llama.attention.layer_norm_rms_epsilon"] == .float32(1e-5))
        #expect(file.metadata["tokenizer.ggml.add_bos_token"]?.bool == false)
        #expect(file.tensors.count == 272)  // 30 layers × 9 + embedding + final norm; output tied
        let embedding = try file.tensorInfo("token_embd.weight")
        #expect(embedding.type == .q8_0)
        #expect(embedding.dimensions == [576, 49152])
        #expect(embedding.shape == [49152, 576])
        #expect(try file.tensorInfo("blk.0.attn_q.weight").type == .q4_1)
        #expect(try file.tensorInfo("blk.0.attn_norm.weight").type == .f32)
        #expect(!file.contains(tensor: "output.weight"))
    }

    @Test func configurationMatchesTransformers() throws {
        let file = try GGUFTestPaths.requireSmolLM2()
        let info = try GGUFModelInfo(file: file)
        let reference = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: GGUFTestPaths.reference)))
        let config = try #require(reference["config"])
        #expect(info.architecture == "llama")
        #expect(info.numHiddenLayers == 30 && info.numHiddenLayers == config["num_hidden_layers"]?.int)
        #expect(info.hiddenSize == 576 && info.hiddenSize == config["hidden_size"]?.int)
        #expect(info.numAttentionHeads == 9 && info.numAttentionHeads == config["num_attention_heads"]?.int)
        #expect(info.numKeyValueHeads == 3 && info.numKeyValueHeads == config["num_key_value_heads"]?.int)
        #expect(info.intermediateSize == 1536 && info.intermediateSize == config["intermediate_size"]?.int)
        #expect(info.vocabSize == 49152 && info.vocabSize == config["vocab_size"]?.int)
        #expect(info.ropeTheta == 100_000 && info.ropeTheta == config["rope_parameters"]?["rope_theta"]?.double)
        // The file stores eps as float32; transformers reports that float32 widened to double, as do we.
        #expect(info.rmsNormEps == Double(Float(1e-5)) && info.rmsNormEps == config["rms_norm_eps"]?.double)
        #expect(info.maxPositionEmbeddings == 8192 && info.maxPositionEmbeddings == config["max_position_embeddings"]?.int)
        #expect(info.tieWordEmbeddings && config["tie_word_embeddings"]?.bool == true)
        #expect(info.headDim == 64 && info.ropeDimensionCount == 64)
        #expect(info.bosTokenId == config["bos_token_id"]?.int && info.eosTokenId == config["eos_token_id"]?.int)
    }

    @Test func everyTensorShapeInHuggingFaceOrder() throws {
        let checkpoint = try GGUFLlamaCheckpoint(file: try GGUFTestPaths.requireSmolLM2())
        var expected: [String: [Int]] = ["model.embed_tokens.weight": [49152, 576], "model.norm.weight": [576]]
        for l in 0..<30 {
            let p = "model.layers.\(l)."
            expected[p + "self_attn.q_proj.weight"] = [576, 576]
            expected[p + "self_attn.k_proj.weight"] = [192, 576]
            expected[p + "self_attn.v_proj.weight"] = [192, 576]
            expected[p + "self_attn.o_proj.weight"] = [576, 576]
            expected[p + "mlp.gate_proj.weight"] = [1536, 576]
            expected[p + "mlp.up_proj.weight"] = [1536, 576]
            expected[p + "mlp.down_proj.weight"] = [576, 1536]
            expected[p + "input_layernorm.weight"] = [576]
            expected[p + "post_attention_layernorm.weight"] = [576]
        }
        #expect(checkpoint.shapes == expected)
        #expect(checkpoint.names.count == 272)
        for t in checkpoint.file.tensors {
            let hf = try #require(GGUFLlamaCheckpoint.huggingFaceName(t.name))
            #expect(t.shape == expected[hf], "\(t.name)")
            #expect(t.dimensions == expected[hf]!.reversed(), "\(t.name)")
            let type: GGUFTensorType = t.dimensions.count == 1 ? .f32 : t.name == "token_embd.weight" ? .q8_0 : .q4_1
            #expect(t.type == type, "\(t.name)")
        }
    }

    /// Dequantizes all 135 M parameters one tensor at a time (run with `-c release`: a debug build is slow).
    @Test func wholeModelDequantizes() throws {
        let clock = ContinuousClock()
        var elapsed = Duration.zero
        var start = clock.now
        let checkpoint = try GGUFLlamaCheckpoint(file: try GGUFTestPaths.requireSmolLM2())
        elapsed += clock.now - start
        var parameters = 0
        var sumOfSquares: [String: Double] = [:]
        for name in checkpoint.names {
            start = clock.now
            let tensor = try checkpoint.tensor(name)
            elapsed += clock.now - start
            #expect(tensor.shape == checkpoint.shapes[name])
            let finite = tensor.scalars.allSatisfy { $0.isFinite }
            #expect(finite, "\(name)")
            parameters += tensor.count
            sumOfSquares[name] = tensor.scalars.reduce(0) { $0 + Double($1) * Double($1) }
        }
        print("GGUF: opened and dequantized \(parameters) parameters of SmolLM2-135M in \(elapsed)")
        #expect(parameters == 134_515_008)
        // Un-permuting moves rows, it does not change them: the norms are those of the stored rows.
        let qName = "model.layers.0.self_attn.q_proj.weight"
        let stored = try checkpoint.file.floats("blk.0.attn_q.weight")
        #expect(abs(sumOfSquares[qName]! - stored.reduce(0) { $0 + Double($1) * Double($1) }) < 1e-6 * sumOfSquares[qName]!)
        // RMSNorm weights of a trained model sit near 1, not near 0: a wrong offset or type would show.
        let norm = try checkpoint.tensor("model.norm.weight")
        let mean = norm.scalars.reduce(0, +) / Float(norm.count)
        #expect(mean > 0.1 && mean < 10)
    }
}
