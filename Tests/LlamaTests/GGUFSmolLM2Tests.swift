import Foundation
import Testing
import Tensors
@testable import Llama

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
}
