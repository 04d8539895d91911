/// Where a run's micro-batches come from: random access by optimizer step and micro-batch index, so that a
/// resumed run reads exactly the batches the uninterrupted run would have read.
public protocol BatchSource: Sendable {
    /// The micro-batch `micro` of optimizer step `step` (both 0-based).
    func batch(step: Int, micro: Int) throws -> Batch
    /// The largest micro-batch shape this source yields (sequences, tokens), to size the buffers.
    var maximumShape: (batch: Int, sequence: Int) { get }
}

/// Replays pre-tokenized batches from a file in the fixtures' layout, one per optimizer step.
public struct ReplayBatches: BatchSource {
    /// The batches, step by step.
    public let batches: [Batch]
    /// The file they came from.
    public let path: String

    /// Reads every step of `file`.
    public init(file: BatchFile) throws {
        batches = try file.batches()
        path = file.path
    }

    /// Checks that every token id and label indexes the vocabulary of a model with `vocabularySize` tokens (a
    /// label may also be -100, no loss); the error names the file and the step.
    public func checkIDs(vocabularySize: Int) throws(DataError) {
        for (step, b) in batches.enumerated() {
            if let bad = b.inputIDs.first(where: { $0 < 0 || $0 >= vocabularySize }) {
                throw .invalidBatch(path: path, step: step + 1, reason: "token id \(bad) is outside the model's vocabulary (0..<\(vocabularySize))")
            }
            if let bad = b.labels.first(where: { $0 != -100 && ($0 < 0 || $0 >= vocabularySize) }) {
                throw .invalidBatch(path: path, step: step + 1,
                                    reason: "label \(bad) is outside the model's vocabulary (0..<\(vocabularySize), or -100 for none)")
            }
        }
    }

    public func batch(step: Int, micro: Int) throws -> Batch {
        guard micro == 0 else { throw DataError.invalidSetting("\(path): a batch file holds one micro-batch per step; use gradient accumulation 1") }
        guard step < batches.count else {
            throw DataError.invalidSetting("\(path): holds \(batches.count) steps; step \(step + 1) was asked for")
        }
        return batches[step]
    }

    public var maximumShape: (batch: Int, sequence: Int) {
        (batches.map(\.batchSize).max() ?? 1, batches.map(\.sequenceLength).max() ?? 1)
    }
}
