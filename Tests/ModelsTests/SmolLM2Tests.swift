import Support
import Foundation
import Testing
@testable import Models
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
            // The same float32 weights through the same operations: only the order of float32 sums differs from
            // transformers (measured 2.8e-6 for capital, 2.5e-6 for story with OpenBLAS's Zen kernel); 2e-5 leaves
            // room for other BLAS kernels and thread counts, and is far below any wrong operation.
            #expect(error < 2e-5, "\(name): \(error)")
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

    /// The same network with every 4-bit projection replaced by its dequantized float32 weight: what the quantized
    /// model computes if its path adds nothing to the error of the weights themselves.
    static func denseTwin(_ model: LlamaModel) -> LlamaModel {
        let layers = model.layers.map { layer in
            LlamaLayer(inputNorm: layer.inputNorm, postAttentionNorm: layer.postAttentionNorm, projections: layer.projections.map { linear in
                guard case .quantized(let q) = linear.storage else { return linear }
                return FrozenLinear(outFeatures: linear.outFeatures, inFeatures: linear.inFeatures, storage: .dense(q.dequantized()))
            })
        }
        return LlamaModel(config: model.config, embedding: model.embedding, layers: layers, finalNorm: model.finalNorm, lmHead: model.lmHead)
    }

    /// ‖Ŵ − W‖ / ‖W‖ over every projection: the relative error of the 4-bit weights against the float32 ones.
    static func weightError(_ quantized: LlamaModel, _ float: LlamaModel) -> Double {
        var diff = 0.0, norm = 0.0
        for (lq, lf) in zip(quantized.layers, float.layers) {
            for (q, f) in zip(lq.projections, lf.projections) {
                guard case .quantized(let codes) = q.storage, case .dense(let w) = f.storage else { continue }
                for (x, y) in zip(codes.dequantized(), w) {
                    diff += Double(x - y) * Double(x - y)
                    norm += Double(y) * Double(y)
                }
            }
        }
        return (diff / norm).squareRoot()
    }

    /// The reference is transformers in float32, so a quantized model's logit error against it has two sources:
    /// the 4-bit weights themselves, and whatever the quantized path (dequantizing blocks on the fly, multiplying
    /// one token straight from the codes) adds. The second must be nothing: the quantized model computes what the
    /// float32 path (checked against transformers above) computes on its dequantized weights. The first is then
    /// wholly explained by the weights' error, which is checked against what 4 bits can do.
    @Test func quantizedBasesStillAnswerAndTheirErrorIsExplainedByTheirWeights() throws {
        let json = try Self.referenceJSON()
        let prompt = json["prompts"]!["capital"]!.string!
        let file = try SafeTensorsFile(path: Self.reference + "/logits.safetensors")
        let float = try ModelLoader.load(try Self.location(), quantization: nil).model
        var weightErrors: [String: Double] = [:]
        for (label, q) in [("NF4+DQ", WeightQuantization(type: .nf4, doubleQuant: true)),
                           ("NF4", WeightQuantization(type: .nf4, doubleQuant: false)),
                           ("FP4+DQ", WeightQuantization(type: .fp4, doubleQuant: true)),
                           ("Int4+DQ", WeightQuantization(type: .int4, doubleQuant: true))] {
            let loaded = try ModelLoader.load(try Self.location(), quantization: q)
            let twin = LoadedModel(location: loaded.location, model: Self.denseTwin(loaded.model), tokenizer: loaded.tokenizer)
            let weights = Self.weightError(loaded.model, float)
            weightErrors[label] = weights
            // A block of 64 roughly normal weights has an absmax near 2.4σ; 15 or 16 levels over ±absmax leave an
            // RMS error near (2.4σ / 7.5) / √12 ≈ 0.09σ, less for NF4's levels placed by the normal's quantiles.
            // Measured on these weights: NF4 0.0935, Int4 0.113, FP4 0.125 (double quantization adds < 0.1%).
            #expect(weights > 0.05 && weights < 0.15, "\(label): ‖ΔW‖/‖W‖ = \(weights)")
            for name in ["capital", "story"] {
                let ids = try file.integers(name + "_input_ids")
                let quantized = try loaded.model.forward(tokens: ids, batch: 1, sequence: ids.count).scalars
                let dense = try twin.model.forward(tokens: ids, batch: 1, sequence: ids.count).scalars
                let path = relativeError(quantized, dense), error = relativeError(quantized, try file.floats(name + "_logits"))
                print("SmolLM2 \(label) \(name): weights ‖ΔW‖/‖W‖ = \(weights); logits ‖Δ‖/‖ref‖ = \(error); quantized vs dense path \(path)")
                // Measured 0 alone and 2.0e-6 with other suites running beside it: both paths multiply the same
                // dequantized values, but BLAS splits a product differently when another test has changed its
                // thread count meanwhile. 1e-5 is float32 summation-order noise over 576-long dot products,
                // 10,000 times below the weights' own error.
                #expect(path < 1e-5, "\(label) \(name): \(path)")
                // So the logit error is the weights' error carried through 30 blocks: measured 2.7 to 8.2 times
                // ‖ΔW‖/‖W‖ (capital 0.26 NF4+DQ to 0.46 Int4, story 0.48 to 0.92). It cannot be less than the
                // weights' own error, and beyond 10 times it something other than rounding the weights is wrong.
                #expect(error > weights && error < 10 * weights, "\(label) \(name): logits \(error), weights \(weights)")
            }
            // Generation multiplies one token at a time straight from the codes: the same tokens as the dense twin.
            let answer = try greedy(loaded, prompt: prompt, count: 12)
            #expect(answer == (try greedy(twin, prompt: prompt, count: 12)), "\(label)")
            let text = loaded.tokenizer!.decode(answer)
            print("SmolLM2 \(label): answer \(text.debugDescription)")
            if label.hasPrefix("NF4") { #expect(text.contains("Paris"), "\(label): \(text)") }
        }
        // NF4's levels suit normally distributed weights best (the QLoRA paper's point), and double quantization of
        // the block constants costs almost nothing.
        let nf4 = try #require(weightErrors["NF4"]), nf4dq = try #require(weightErrors["NF4+DQ"])
        #expect(nf4 < weightErrors["FP4+DQ"]! && nf4 < weightErrors["Int4+DQ"]!, "\(weightErrors)")
        #expect(nf4dq >= nf4 && nf4dq < nf4 * 1.01, "\(weightErrors)")
    }
}
