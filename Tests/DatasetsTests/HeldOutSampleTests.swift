import ExperimentSpec
import Tokenizers
import Testing
@testable import Datasets

/// The held-out examples a loss is measured on: enough scored tokens, a seeded sample, file order kept.
struct HeldOutSampleTests {
    /// Example i has i % 5 + 1 scored tokens (after the first position, which predicts nothing) and id i.
    static func bundle(count: Int) throws -> DataBundle {
        let eval = (0..<count).map { i in
            let scored = i % 5 + 1
            return DataExample(ids: [i] + Array(repeating: 7, count: scored), trained: [true] + Array(repeating: true, count: scored))
        }
        return DataBundle(train: [], eval: eval, reports: [], hashes: [],
                          collator: try Collator(tokenizer: try ByteTokenizer(), sourceMaxLength: 8, targetMaxLength: 8))
    }

    static func scored(_ examples: [DataExample]) -> Int { examples.reduce(0) { $0 + $1.trained.count - 1 } }

    @Test func aSampleReachesTheTokenFloorAndNoMore() throws {
        let bundle = try Self.bundle(count: 200)  // 600 scored tokens in all
        let chosen = bundle.heldOutExamples(minTokens: 100, seed: 42)
        let ids = chosen.map { $0.ids[0] }
        #expect(ids == ids.sorted(), "file order")
        #expect(Self.scored(chosen) >= 100)
        // Minimal: every example but one would have stayed below the floor (at most 5 tokens over).
        #expect(Self.scored(chosen) < 105)
        #expect(ids.last! > 60, "a sample over the split, not its head")
        #expect(bundle.heldOutExamples(minTokens: 100, seed: 42) == chosen, "seeded")
        #expect(bundle.heldOutExamples(minTokens: 100, seed: 43) != chosen)
    }

    @Test func smallSplitsAndCapsAreTakenWhole() throws {
        let bundle = try Self.bundle(count: 10)  // 30 scored tokens
        #expect(bundle.heldOutExamples(minTokens: 2000, seed: 1) == bundle.eval)
        #expect(bundle.heldOutExamples(minTokens: 0, seed: 1) == bundle.eval)
        #expect(bundle.heldOutExamples(minTokens: 2000, maxExamples: 4, seed: 1).count == 4)
        let batches = try bundle.batches(of: bundle.eval, batchSize: 4)
        #expect(batches.map(\.batchSize) == [4, 4, 2])
        #expect(batches.reduce(0) { $0 + CrossEntropyHeadTargets.count($1) } == 30)
    }
}

/// Label tokens a batch carries after the one-position shift, counted plainly.
enum CrossEntropyHeadTargets {
    static func count(_ b: Batch) -> Int {
        var n = 0
        for r in 0..<b.batchSize {
            let labels = Array(b.labels(row: r))
            for t in 1..<labels.count where labels[t] != -100 { n += 1 }
        }
        return n
    }
}
