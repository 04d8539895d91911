import Foundation
import Testing
@testable import Models
import Quantization
import Tensors

/// Generating for many prompts at once must give each prompt what generating for it alone gives.
struct GenerationBatchTests {
    /// The tiny reference model, NF4 + double quantization, with its trained adapter (so that answers vary).
    static func model() throws -> (LlamaModel, LoRAAdapter) {
        let checkpoint = try HuggingFaceCheckpoint(directory: TestPaths.tinyLlama)
        let model = try checkpoint.model { _, w in try FrozenLinear(weight: w, quantization: .qlora) }
        let adapter = try LoRAAdapter.load(directory: TestPaths.fixture("qlora-reference/tiny-llama/r8_a16_lr1e-3_all_dq/adapter_final_cuda"),
                                           config: model.config)
        return (model, adapter)
    }

    /// Prompts of lengths 5, 9, 5, 3, 9, 5, 12, 5: some lengths shared, some alone.
    static func prompts(vocab: Int) -> [[Int]] {
        var rng = SeededGenerator(seed: 11)
        return [5, 9, 5, 3, 9, 5, 12, 5].map { n in (0..<n).map { _ in 1 + Int(rng.nextUniform() * Float(vocab - 2)) } }
    }

    @Test func lastPositionLogitsAreTheLastRowsOfTheFullOutput() throws {
        let (model, adapter) = try Self.model()
        let vocab = model.config.vocabSize
        let tokens = Self.prompts(vocab: vocab).filter { $0.count == 5 }.flatMap { $0 }  // 4 sequences of 5
        let full = try model.forward(tokens: tokens, batch: 4, sequence: 5, adapter: adapter).scalars
        let last = try model.forward(tokens: tokens, batch: 4, sequence: 5, adapter: adapter, lastPositionOnly: true)
        #expect(last.shape == [4, 1, vocab])
        for b in 0..<4 {
            let expected = Array(full[((b * 5 + 4) * vocab)..<((b * 5 + 5) * vocab)])
            let got = Array(last.scalars[(b * vocab)..<((b + 1) * vocab)])
            #expect(relativeError(got, expected) < 1e-6, "sequence \(b)")
        }
        // Not the first position's, nor another sequence's.
        #expect(relativeError(Array(last.scalars[0..<vocab]), Array(full[0..<vocab])) > 1e-3)
        #expect(relativeError(Array(last.scalars[0..<vocab]), Array(last.scalars[vocab..<(2 * vocab)])) > 1e-3)
    }

    @Test func eachPromptGetsWhatItGetsAlone() throws {
        let (model, adapter) = try Self.model()
        let generator = Generator(model: model, adapter: adapter)
        let prompts = Self.prompts(vocab: model.config.vocabSize)
        let alone = try prompts.map { try generator.generate(prompt: $0, maxNewTokens: 10) }
        let together = try generator.generate(prompts.map { Generator.Request(prompt: $0) }, maxNewTokens: 10)
        #expect(together.count == prompts.count)
        for (i, (a, t)) in zip(alone, together).enumerated() {
            #expect(t.tokens == a.tokens && t.reason == a.reason, "prompt \(i): \(t.tokens) vs alone \(a.tokens)")
        }
        #expect(Set(alone.map(\.tokens)).count > 1, "the prompts get different answers, so a mix-up would show")
        // Smaller batches split the same groups differently: the same answers.
        let pairs = try generator.generate(prompts.map { Generator.Request(prompt: $0) }, maxNewTokens: 10, maxBatch: 2)
        #expect(pairs.map(\.tokens) == together.map(\.tokens))
    }

    @Test func sampledAnswersKeepEachPromptsOwnSeed() throws {
        let (model, adapter) = try Self.model()
        let generator = Generator(model: model, adapter: adapter)
        let prompts = Self.prompts(vocab: model.config.vocabSize)
        let options = prompts.indices.map { SamplingOptions(temperature: 1.0, topP: 0.9, seed: 100 + UInt64($0)) }
        let alone = try zip(prompts, options).map { try generator.generate(prompt: $0, maxNewTokens: 8, sampling: $1).tokens }
        let together = try generator.generate(zip(prompts, options).map { Generator.Request(prompt: $0, sampling: $1) }, maxNewTokens: 8)
        #expect(together.map(\.tokens) == alone)
    }

    @Test func badRequestsAreRefused() throws {
        let (model, adapter) = try Self.model()
        let generator = Generator(model: model, adapter: adapter)
        #expect(throws: ForwardError.self) { try generator.generate([Generator.Request(prompt: [])], maxNewTokens: 4) }
        #expect(throws: ForwardError.self) { try generator.generate([Generator.Request(prompt: [1, 2])], maxNewTokens: 4, maxBatch: 0) }
        #expect(try generator.generate([], maxNewTokens: 4).isEmpty)
    }
}
