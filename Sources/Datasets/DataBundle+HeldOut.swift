import Tensors

extension DataBundle {
    /// Held-out examples whose label tokens reach `minTokens` (every one when the split holds fewer), at most
    /// `maxExamples` of them when that is above 0; the whole split when both are 0. Returned in file order.
    ///
    /// Counted in scored tokens rather than examples: a loss averaged over a few hundred tokens is mostly noise,
    /// and how many tokens an example carries varies tenfold between datasets. The examples are a seeded
    /// sample rather than the first ones, because prepared eval files are often sorted (by task, by source).
    public func heldOutExamples(minTokens: Int, maxExamples: Int = 0, seed: UInt64) -> [DataExample] {
        guard minTokens > 0 || maxExamples > 0 else { return eval }
        // A stream of its own, so the sample does not move when the training order's use of the seed changes.
        var generator = SeededGenerator(seed: seed).substream(0x6865_6c64_6f75_74)
        var chosen: [Int] = []
        var tokens = 0
        for index in BatchOrder.permutation(eval.count, using: &generator) {
            if minTokens > 0, tokens >= minTokens { break }
            if maxExamples > 0, chosen.count >= maxExamples { break }
            chosen.append(index)
            // The label on position 0 predicts nothing (the model shifts by one).
            tokens += eval[index].trained.dropFirst().reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        return chosen.sorted().map { eval[$0] }
    }

    /// `examples` collated into batches of `batchSize`, each padded to its longest example.
    public func batches(of examples: [DataExample], batchSize: Int) throws(DataError) -> [Batch] {
        guard batchSize >= 1 else { throw .invalidSetting("batch size \(batchSize) is below 1") }
        var batches: [Batch] = []
        for start in stride(from: 0, to: examples.count, by: batchSize) {
            batches.append(try collator.batch(Array(examples[start..<min(start + batchSize, examples.count)])))
        }
        return batches
    }
}
