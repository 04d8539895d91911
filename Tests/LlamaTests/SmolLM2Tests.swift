import Foundation
import Testing
@testable import Llama
import Tensors

/// The real pretrained model from the set-up script, against transformers' float32 outputs.
struct SmolLM2Tests {
    static let reference = TestPaths.fixture("smollm2")

    static func location() throws -> ModelLocation {
        let path = TestPaths.packageRoot.appendingPathComponent(".cache/models/smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModelLoadError(path: path, message: "missing: run scripts/setup to fetch SmolLM2-135M-Instruct")
        }
        return .gguf(path: path)
    }

    static func referenceJSON() throws -> JSONValue {
        try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: reference + "/reference.json")))
    }

    func logitsError(_ loaded: LoadedModel, _ name: String) throws -> Double {
        let file = try SafeTensorsFile(path: Self.reference + "/logits.safetensors")
        let ids = try file.integers(name + "_input_ids")
        let expected = try file.floats(name + "_logits")
        let got = try loaded.model.forward(tokens: ids, batch: 1, sequence: ids.count).scalars
        return relativeError(got, expected)
    }

    func greedy(_ loaded: LoadedModel, prompt: String, count: Int) throws -> [Int] {
        let ids = loaded.tokenizer!.encode(prompt)
        return try Generator(model: loaded.model).generate(prompt: ids, maxNewTokens: count).tokens
    }

    @Test func float32LogitsTokensAndGreedyContinuationsMatchTransformers() throws {
        let loaded = try ModelLoader.load(try Self.location(), quantization: nil)
        let config = loaded.model.config
        #expect(config.numHiddenLayers == 30 && config.hiddenSize == 576 && config.numAttentionHeads == 9)
        #expect(config.numKeyValueHeads == 3 && config.intermediateSize == 1536 && config.vocabSize == 49_152)
        #expect(config.ropeTheta == 100_000 && config.tieWordEmbeddings)
        for name in ["capital", "story"] {
            let error = try logitsError(loaded, name)
            print("SmolLM2 float32 \(name) logits: ‖Δ‖/‖ref‖ = \(error)")
            #expect(error < 1e-4, "\(name): \(error)")
        }
        let json = try Self.referenceJSON()
        let file = try SafeTensorsFile(path: Self.reference + "/logits.safetensors")
        for name in ["capital", "story"] {
            let prompt = json["prompts"]![name]!.string!
            #expect(loaded.tokenizer!.encode(prompt) == (try file.integers(name + "_input_ids")))
            let expected = json["greedy"]![name]!["ids"]!.array!.map { $0.int! }
            let got = try greedy(loaded, prompt: prompt, count: 16)
            #expect(got == expected, "\(name): \(loaded.tokenizer!.decode(got))")
        }
        #expect(loaded.tokenizer!.decode(try greedy(loaded, prompt: json["prompts"]!["capital"]!.string!, count: 16)) == "The capital of France is Paris.<|im_end|>")
    }

    @Test func quantizedBasesStillAnswerAndTheirErrorIsReported() throws {
        let json = try Self.referenceJSON()
        let prompt = json["prompts"]!["capital"]!.string!
        for (label, q) in [("NF4+DQ", WeightQuantization(type: .nf4, doubleQuant: true)),
                           ("NF4", WeightQuantization(type: .nf4, doubleQuant: false)),
                           ("FP4+DQ", WeightQuantization(type: .fp4, doubleQuant: true)),
                           ("Int4+DQ", WeightQuantization(type: .int4, doubleQuant: true))] {
            let loaded = try ModelLoader.load(try Self.location(), quantization: q)
            let capital = try logitsError(loaded, "capital"), story = try logitsError(loaded, "story")
            let answer = loaded.tokenizer!.decode(try greedy(loaded, prompt: prompt, count: 12))
            print("SmolLM2 \(label): logits ‖Δ‖/‖ref‖ capital \(capital), story \(story); answer \(answer.debugDescription)")
            // 4 bits cost accuracy: the error is real but bounded.
            #expect(capital > 1e-3 && capital < 0.5)
            if label.hasPrefix("NF4") { #expect(answer.contains("Paris"), "\(label): \(answer)") }
        }
    }
}
