import ExperimentSpec
import Foundation
import Tokenizers
import Tensors
import Testing
@testable import Datasets

/// Batch orders (length grouping, shuffling), epochs, resuming, and the evaluation split.
struct DataLoaderTests {
    static func examples(_ lengths: [Int]) -> [DataExample] {
        lengths.map { DataExample(ids: Array(repeating: 1, count: max(1, $0 % 7 + 1)), trained: Array(repeating: true, count: max(1, $0 % 7 + 1)), length: $0) }
    }

    @Test func lengthGroupingMatchesAHandComputedCase() {
        // transformers' get_length_grouped_indices on this permutation, by hand: 8 // (2·4) = 1 → mega-batches of 2:
        // [0,1] [2,3] [4,5] [6,7] → sorted [1,0] [3,2] [5,4] [7,6]; maxima 5 8 7 6 → swap heads of 0 and 1.
        let lengths = [1, 5, 3, 8, 2, 7, 4, 6]
        #expect(BatchOrder.lengthGrouped(lengths: lengths, batchSize: 2, permutation: Array(0..<8)) == [3, 0, 1, 2, 5, 4, 7, 6])
        // Ties keep the permutation's order (Python's sort is stable).
        #expect(BatchOrder.lengthGrouped(lengths: [2, 2, 2, 2], batchSize: 4, permutation: [2, 0, 3, 1]) == [2, 0, 3, 1])
    }

    @Test func lengthGroupingSortsEachMegaBatchOfTheSeededPermutation() {
        let lengths = (0..<200).map { ($0 * 37) % 101 }
        var generator = SeededGenerator(seed: 7)
        let order = BatchOrder.lengthGrouped(lengths: lengths, batchSize: 4, using: &generator)
        #expect(order.sorted() == Array(0..<200))
        // 200 // (4·4) = 12 → mega-batches of 48 over the permutation; only the swapped heads move between them.
        var check = SeededGenerator(seed: 7)
        let permutation = BatchOrder.permutation(200, using: &check)
        let megaBatches = stride(from: 0, to: 200, by: 48).map { Array(order[$0..<min($0 + 48, 200)]) }
        let changed = megaBatches.indices.filter { Set(megaBatches[$0]) != Set(permutation[$0 * 48..<min($0 * 48 + 48, 200)]) }
        #expect(changed.isEmpty || (changed.count == 2 && changed[0] == 0))
        for (i, mega) in megaBatches.enumerated() {
            let tail = mega.dropFirst().map { lengths[$0] }
            #expect(tail == tail.sorted(by: >), "mega-batch \(i) sorted descending")
        }
        #expect(lengths[order[0]] == lengths.max())
    }

    @Test func smallDatasetsUseMegaBatchesOfOneBatch() {
        let lengths = [3, 9, 1, 7, 5, 2]
        var generator = SeededGenerator(seed: 1)
        let order = BatchOrder.lengthGrouped(lengths: lengths, batchSize: 2, using: &generator)
        // 6 // 8 = 0 → multiplier 1: pairs, each sorted descending; the longest (9) first overall.
        #expect(lengths[order[0]] == 9)
        for pair in stride(from: 2, to: 6, by: 2) { #expect(lengths[order[pair]] >= lengths[order[pair + 1]]) }
    }

    @Test func ordersAreDeterministicAndDifferPerEpoch() {
        let lengths = Array(0..<50)
        for order in [BatchOrder.shuffled(seed: 3), .groupedByLength(seed: 3, batchSize: 4)] {
            #expect(order.indices(lengths: lengths, epoch: 0) == order.indices(lengths: lengths, epoch: 0))
            #expect(order.indices(lengths: lengths, epoch: 0) != order.indices(lengths: lengths, epoch: 1))
            #expect(order.indices(lengths: lengths, epoch: 1).sorted() == lengths)
        }
        #expect(BatchOrder.shuffled(seed: 3).indices(lengths: lengths, epoch: 0) != BatchOrder.shuffled(seed: 4).indices(lengths: lengths, epoch: 0))
        #expect(BatchOrder.sequential.indices(lengths: [5, 1], epoch: 9) == [0, 1])
    }

    @Test func loaderWalksEpochsAndResumesExactly() throws {
        let collator = try Collator(tokenizer: try ByteTokenizer(), sourceMaxLength: 8, targetMaxLength: 8)
        let examples = Self.examples(Array(0..<10))
        var loader = try DataLoader(examples: examples, batchSize: 4, order: .shuffled(seed: 11), collator: collator)
        var seen: [[Int]] = []
        var positions: [DataLoader.Position] = []
        for _ in 0..<7 {
            positions.append(loader.position)
            seen.append(loader.nextIndices())
        }
        // 10 examples in batches of 4: 4, 4, 2 per epoch, then a new epoch.
        #expect(seen.map(\.count) == [4, 4, 2, 4, 4, 2, 4])
        #expect(Set(seen[0] + seen[1] + seen[2]) == Set(0..<10))
        #expect(seen[0] + seen[1] + seen[2] != seen[3] + seen[4] + seen[5])
        #expect(positions[4] == DataLoader.Position(epoch: 1, index: 4))
        // A loader restored from a saved position (through JSON, as a checkpoint stores it) continues identically.
        let saved = try JSONEncoder().encode(positions[4])
        let position = try JSONDecoder().decode(DataLoader.Position.self, from: saved)
        var resumed = try DataLoader(examples: examples, batchSize: 4, order: .shuffled(seed: 11), collator: collator, position: position)
        #expect([resumed.nextIndices(), resumed.nextIndices(), resumed.nextIndices()] == Array(seen[4..<7]))
        #expect(throws: DataError.self) {
            try DataLoader(examples: examples, batchSize: 4, order: .sequential, collator: collator, position: .init(epoch: 0, index: 11))
        }
        #expect(throws: DataError.self) { try DataLoader(examples: [], batchSize: 4, order: .sequential, collator: collator) }
    }

    @Test func randomAccessByStepMatchesTheSequentialLoader() throws {
        let collator = try Collator(tokenizer: try ByteTokenizer(), sourceMaxLength: 8, targetMaxLength: 8)
        let examples = Self.examples(Array(0..<11))
        var sequential = try DataLoader(examples: examples, batchSize: 2, order: .groupedByLength(seed: 5, batchSize: 4),
                                        collator: collator, microBatchesPerStep: 2)
        let source = sequential
        // 11 examples in micro-batches of 2: 6 per epoch; 2 per step; 9 steps cross into the third epoch.
        for step in 0..<9 {
            for micro in 0..<2 {
                let expected = try sequential.next()
                #expect(try source.batch(step: step, micro: micro) == expected, "step \(step) micro \(micro)")
            }
        }
        #expect(source.position(step: 3, micro: 0) == DataLoader.Position(epoch: 1, index: 0))
        #expect(source.maximumShape.batch == 2)
        #expect(throws: DataError.self) { try source.batch(step: 0, micro: 2) }
    }

    @Test func evalSplitByCountOrFractionIsStable() throws {
        #expect(try DataSplit.evalCount(total: 100, evalSize: 0.1) == 10)
        #expect(try DataSplit.evalCount(total: 95, evalSize: 0.1) == 10)
        #expect(try DataSplit.evalCount(total: 100, evalSize: 7) == 7)
        #expect(try DataSplit.evalCount(total: 100, evalSize: 0) == 0)
        #expect(throws: DataError.self) { try DataSplit.evalCount(total: 5, evalSize: 5) }
        let a = try DataSplit.split(total: 100, evalSize: 0.2, seed: 42, contentHash: "00ff00ff00ff00ff11")
        let b = try DataSplit.split(total: 100, evalSize: 0.2, seed: 42, contentHash: "00ff00ff00ff00ff11")
        #expect(a.train == b.train && a.eval == b.eval && a.eval.count == 20)
        #expect(Set(a.train).isDisjoint(with: a.eval) && (a.train + a.eval).sorted() == Array(0..<100))
        #expect(try DataSplit.split(total: 100, evalSize: 0.2, seed: 43, contentHash: "00ff00ff00ff00ff11").eval != a.eval)
        #expect(try DataSplit.split(total: 100, evalSize: 0.2, seed: 42, contentHash: "12ff00ff00ff00ff11").eval != a.eval)
    }

    @Test func bundleSplitsEachFileIndependentlyOfTheRest() throws {
        let first = try DataTestPaths.write((0..<30).map { #"{"prompt": "q\#($0)", "answer": "a\#($0)"}"# }, name: "one.jsonl")
        let second = try DataTestPaths.write((0..<8).map { #"{"text": "document \#($0)"}"# }, name: "two.jsonl")
        let tokenizer = try ByteTokenizer()
        let catalog = try DatasetCatalog(root: nil)
        var settings = DataSettings(datasets: [first], sourceMaxLength: 8, targetMaxLength: 8, evalSize: 5, splitSeed: 9)
        let alone = try DataBundle.load(settings, tokenizer: tokenizer, catalog: catalog)
        #expect(alone.train.count == 25 && alone.eval.count == 5)
        let evalBatches = try alone.evalBatches(batchSize: 2)
        #expect(evalBatches.map(\.batchSize) == [2, 2, 1])
        #expect(evalBatches.reduce(0) { $0 + $1.labelCount } == alone.eval.reduce(0) { $0 + $1.labelCount })
        settings.datasets = [second, first]
        settings.sourceMaxLength = 20
        let mixed = try DataBundle.load(settings, tokenizer: tokenizer, catalog: catalog)
        // The first file's held-out records are the same ones whatever else is loaded and whatever the limits.
        let decoded = { (examples: [DataExample]) in examples.map { tokenizer.decode($0.ids) }.filter { $0.contains("q") } }
        #expect(decoded(alone.eval) == decoded(mixed.eval))
        #expect(mixed.reports.count == 2 && mixed.reports[1].evalExamples == 5)
        #expect(mixed.hashes.map(\.sha256) == [try DatasetIdentity.sha256(file: second), try DatasetIdentity.sha256(file: first)])
        #expect(try DatasetIdentity.hashes(of: settings, catalog: catalog) == mixed.hashes)
        var loader = try mixed.loader(batchSize: 4, settings: settings, orderSeed: 3)
        #expect(try loader.next().batchSize == 4)
        var config = TrainingConfig()
        config.data = settings
        config.batchSize = 8
        config.gradientAccumulation = 2
        let source = try mixed.batchSource(for: config)
        #expect(source.batchSize == 4 && source.microBatchesPerStep == 2)
        // The order follows the cell's seed, not the split's, unless the data settings name an order seed.
        config.seed = 5
        #expect(try mixed.batchSource(for: config).order == .groupedByLength(seed: 5, batchSize: 8))
        config.data.orderSeed = 11
        #expect(try mixed.batchSource(for: config).order == .groupedByLength(seed: 11, batchSize: 8))
        config.data.orderSeed = nil
        config.gradientAccumulation = 3
        #expect(throws: DataError.self) { try mixed.batchSource(for: config) }
        #expect(throws: DataError.self) {
            try DataBundle.load(DataSettings(datasets: ["no-such-dataset"]), tokenizer: tokenizer, catalog: catalog)
        }
    }
}
