import Foundation
import Models
import Tokenizers
import Testing
@testable import Evaluation

/// Windows read after BOS, and bits per byte, against sums written out here from the model's own logits.
struct BOSWindowTests {
    @Test func windowsAfterBOSScoreEveryTokenOnce() {
        let ten = TextWindows(tokenCount: 10, window: 4, leadingBOS: true)
        #expect(ten.windows == [.init(inputs: 0..<3, scored: 3), .init(inputs: 3..<6, scored: 3), .init(inputs: 6..<9, scored: 3),
                                .init(inputs: 9..<10, scored: 1)])
        #expect(ten.scoredTokens == 10)
        #expect(ten.scoredIndices == Array(0..<10))
        #expect(TextWindows(tokenCount: 4096, window: 256, leadingBOS: true).windows.count == 17)
        // Without BOS the first token is never scored.
        #expect(TextWindows(tokenCount: 10, window: 4, leadingBOS: false).scoredIndices == Array(1..<10))
        #expect(TextWindows(tokenCount: 10, window: 4, leadingBOS: false) == TextWindows(tokenCount: 10, window: 4))
    }

    @Test func scoringAfterBOSPredictsEachWindowsFirstTokenFromBOS() throws {
        let loaded = try ModelLoader.load(.huggingFace(directory: PerplexityTests.tinyModel), quantization: nil)
        let model = loaded.model
        let vocab = model.config.vocabSize
        let bos = 257
        let tokens = Array("BOS starts each window here.".utf8).map(Int.init)
        let window = 8
        var sum = 0.0, count = 0
        var start = 0
        while start < tokens.count {
            let text = Array(tokens[start..<min(start + window - 1, tokens.count)])
            let logits = try model.forward(tokens: [bos] + text, batch: 1, sequence: text.count + 1).scalars
            for (i, target) in text.enumerated() {
                sum += PerplexityTests.nll(logits[i * vocab..<(i + 1) * vocab], target)
                count += 1
            }
            start += window - 1
        }
        let tally = try LanguageModelScorer(model: model, name: "tiny").scoreText(tokens, window: window, bos: bos)
        #expect(tally.tokens == tokens.count && count == tokens.count)
        #expect(abs(tally.lossSum - sum) <= 1e-9 * sum, "\(tally.lossSum) vs \(sum)")
        #expect(throws: PerplexityError.self) { try LanguageModelScorer(model: model, name: "tiny").scoreText(tokens, window: 1, bos: bos) }
    }

    @Test func bitsPerByteDividesTheLossInBitsByTheScoredTextsBytes() throws {
        let tally = LossTally(lossSum: 10 * log(2.0), tokens: 4)
        #expect(abs(tally.bitsPerByte(bytes: 5) - 2) < 1e-12)
        #expect(tally.bitsPerByte(bytes: 0).isNaN)
        let tokenizer = try ByteTokenizer()
        let tokens = Array("héllo".utf8).map(Int.init)
        #expect(EvaluationText.bytes(of: tokens, at: Array(1..<tokens.count), tokenizer: tokenizer) == 5)
    }
}
