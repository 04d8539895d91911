import Foundation
import Models
import Tensors
import Testing
@testable import Evaluation

/// Perplexity and held-out loss against sums computed here, in Double, from the model's own logits; and the
/// real SmolLM2 against transformers' logits.
struct PerplexityTests {
    static let tinyModel = FixturePaths.packageRoot.appendingPathComponent("Tests/Fixtures/qlora-reference/tiny-llama/base").path
    static let tinyAdapter = FixturePaths.packageRoot
        .appendingPathComponent("Tests/Fixtures/qlora-reference/tiny-llama/r8_a16_lr1e-3_all_dq/adapter_final_cuda").path
    static let smolLM2 = FixturePaths.packageRoot.appendingPathComponent(".cache/models/smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf").path
    static let smolLM2Reference = FixturePaths.packageRoot.appendingPathComponent("Tests/Fixtures/smollm2/logits.safetensors").path

    /// −log softmax(logits)[target], written out plainly in Double.
    static func nll(_ logits: ArraySlice<Float>, _ target: Int) -> Double {
        let z = logits.map(Double.init)
        let m = z.max()!
        return m + log(z.reduce(0) { $0 + exp($1 - m) }) - z[target]
    }

    static func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-ppl-\(UUID().uuidString).txt").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func windowsStartEveryWTokensAndScoreEveryTokenButTheFirstOnce() {
        let ten = TextWindows(tokenCount: 10, window: 4)
        #expect(ten.windows == [.init(inputs: 0..<4, scored: 4), .init(inputs: 4..<8, scored: 4), .init(inputs: 8..<10, scored: 1)])
        #expect(ten.scoredTokens == 9)
        // A last window holding only the final token predicts nothing and is left out.
        let nine = TextWindows(tokenCount: 9, window: 4)
        #expect(nine.windows == [.init(inputs: 0..<4, scored: 4), .init(inputs: 4..<8, scored: 4)])
        #expect(nine.scoredTokens == 8)
        #expect(TextWindows(tokenCount: 8192, window: 256).windows.count == 32)
        #expect(TextWindows(tokenCount: 8192, window: 256).scoredTokens == 8191)
        #expect(TextWindows(tokenCount: 5, window: 100).windows == [.init(inputs: 0..<5, scored: 4)])
        #expect(TextWindows(tokenCount: 1, window: 4).windows.isEmpty)
    }

    @Test func textLossIsTheMeanOfEveryNextTokenLossAcrossWindowBoundaries() throws {
        for (quantization, adapterPath) in [(nil, nil), (WeightQuantization.qlora, Self.tinyAdapter)] as [(WeightQuantization?, String?)] {
            let loaded = try ModelLoader.load(.huggingFace(directory: Self.tinyModel), quantization: quantization)
            let adapter = try adapterPath.map { try LoRAAdapter.load(directory: $0, config: loaded.model.config) }
            let text = String(repeating: "12+30=42. The quick brown fox; 7*6=42!\n", count: 3)
            let path = try Self.temporaryFile(text)
            let tokens = try EvaluationText.tokens([path], tokenizer: try #require(loaded.tokenizer), maxTokens: 101)
            #expect(tokens == Array(text.utf8.prefix(101)).map(Int.init), "bytes, no BOS")
            let window = 32
            // Reference: each window read alone; every position predicts the next token of the whole sequence.
            var sum = 0.0, count = 0
            var start = 0
            while start < tokens.count {
                let inputs = Array(tokens[start..<min(start + window, tokens.count)])
                let logits = try loaded.model.forward(tokens: inputs, batch: 1, sequence: inputs.count, adapter: adapter).scalars
                let vocab = loaded.model.config.vocabSize
                for i in inputs.indices where start + i + 1 < tokens.count {
                    sum += Self.nll(logits[i * vocab..<(i + 1) * vocab], tokens[start + i + 1])
                    count += 1
                }
                start += window
            }
            var reported: [(Int, Int)] = []
            let tally = try LanguageModelScorer(model: loaded.model, adapter: adapter, name: "tiny")
                .scoreText(tokens, window: window) { reported.append(($0, $1)) }
            #expect(tally.tokens == 100 && count == 100)
            #expect(abs(tally.lossSum - sum) <= 1e-9 * sum, "\(tally.lossSum) vs \(sum)")
            #expect(abs(tally.perplexity - exp(sum / 100)) <= 1e-9 * tally.perplexity)
            #expect(reported.map(\.0) == [32, 64, 96, 100] && reported.allSatisfy { $0.1 == 100 })
            // Not the within-window convention: the windows' last positions count.
            #expect(tally.meanLoss.isFinite && tally.meanLoss > 0)
        }
    }

    @Test func labelledLossCountsOnlyShiftedLabels() throws {
        let loaded = try ModelLoader.load(.huggingFace(directory: Self.tinyModel), quantization: .qlora)
        let vocab = loaded.model.config.vocabSize
        let a = (ids: [257, 49, 43, 50, 61, 51, 258], labels: [-100, -100, -100, -100, -100, 51, 258])
        let b = (ids: [257, 55, 61, 55, 258], labels: [-100, -100, 61, 55, 258])
        let unlabelled = (ids: [257, 50, 51], labels: [257, -100, -100])  // a label on position 0 predicts nothing
        var sum = 0.0, count = 0
        for s in [a, b] {
            let logits = try loaded.model.forward(tokens: s.ids, batch: 1, sequence: s.ids.count).scalars
            for t in 1..<s.ids.count where s.labels[t] != -100 {
                sum += Self.nll(logits[(t - 1) * vocab..<t * vocab], s.labels[t])
                count += 1
            }
        }
        let tally = try LanguageModelScorer(model: loaded.model, name: "tiny").scoreLabelled([a, unlabelled, b])
        #expect(tally.tokens == 5 && count == 5)
        #expect(abs(tally.lossSum - sum) <= 1e-9 * sum)
    }

    @Test func badInputsAreErrorsNamingTheirFileOrModel() throws {
        let loaded = try ModelLoader.load(.huggingFace(directory: Self.tinyModel), quantization: nil)
        let tokenizer = try #require(loaded.tokenizer)
        let scorer = LanguageModelScorer(model: loaded.model, name: Self.tinyModel)
        #expect(throws: PerplexityError.windowTooLong(window: 257, context: 256, model: Self.tinyModel)) {
            try scorer.scoreText(Array(repeating: 65, count: 300), window: 257)
        }
        let empty = try Self.temporaryFile("")
        let good = try Self.temporaryFile("some text")
        #expect(throws: PerplexityError.emptyText(path: empty)) { try EvaluationText.tokens([good, empty], tokenizer: tokenizer) }
        #expect(throws: PerplexityError.unreadable(path: "/no/such/file.txt", reason: "no such file")) {
            try EvaluationText.tokens([good, "/no/such/file.txt"], tokenizer: tokenizer)
        }
        let one = try Self.temporaryFile("x")
        #expect(throws: PerplexityError.tooFewTokens(paths: [one], tokens: 1)) { try EvaluationText.tokens([one], tokenizer: tokenizer) }
        let latin1 = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-ppl-\(UUID().uuidString).txt").path
        try Data([0x63, 0x61, 0x66, 0xE9]).write(to: URL(fileURLWithPath: latin1))
        #expect(throws: PerplexityError.unreadable(path: latin1, reason: "not valid UTF-8")) { try EvaluationText.tokens([latin1], tokenizer: tokenizer) }
        #expect(PerplexityError.emptyText(path: empty).description.hasPrefix(empty))
        #expect(PerplexityError.windowTooLong(window: 257, context: 256, model: "m").description.contains("--window 256"))
        // Files are joined with one newline, in the order given.
        let first = try Self.temporaryFile("ab"), second = try Self.temporaryFile("cd\n")
        #expect(try EvaluationText.tokens([first, second], tokenizer: tokenizer) == Array("ab\ncd\n".utf8).map(Int.init))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: smolLM2), "SmolLM2 is not fetched (run scripts/setup): skipped"))
    func smolLM2PerplexityAgreesWithTransformersLogits() throws {
        let loaded = try ModelLoader.load(.gguf(path: Self.smolLM2), quantization: nil)
        let file = try SafeTensorsFile(path: Self.smolLM2Reference)
        for name in ["capital", "story"] {
            let ids = try file.integers(name + "_input_ids")
            let logits = try file.floats(name + "_logits")
            let vocab = loaded.model.config.vocabSize
            var sum = 0.0
            for t in 0..<(ids.count - 1) { sum += Self.nll(logits[t * vocab..<(t + 1) * vocab], ids[t + 1]) }
            let expected = exp(sum / Double(ids.count - 1))
            let tally = try LanguageModelScorer(model: loaded.model, name: "smollm2").scoreText(ids, window: ids.count)
            #expect(tally.tokens == ids.count - 1)
            #expect(abs(tally.perplexity - expected) <= 1e-4 * expected, "\(name): \(tally.perplexity) vs transformers' \(expected)")
        }
    }
}
