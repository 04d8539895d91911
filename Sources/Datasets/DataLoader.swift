/// Deterministic, resumable batches over tokenized examples, epoch after epoch.
///
/// The whole position is two integers (`Position`); a checkpoint stores it, and a loader restored from it
/// yields exactly the batches an uninterrupted one would have. As a `BatchSource` it also answers for any
/// (step, micro-batch) directly, which is how the trainer resumes.
public struct DataLoader: BatchSource {
    /// Where the loader stands: the epoch and how many examples of its order were already handed out.
    public struct Position: Sendable, Equatable, Codable {
        /// 0-based epoch.
        public var epoch: Int
        /// Examples of this epoch's order already batched.
        public var index: Int

        /// A position at `index` within `epoch`.
        public init(epoch: Int = 0, index: Int = 0) {
            self.epoch = epoch
            self.index = index
        }
    }

    /// The examples.
    public let examples: [DataExample]
    /// Rows per batch; the last batch of an epoch may be smaller (as transformers' default `drop_last=False`).
    public let batchSize: Int
    /// The visiting order.
    public let order: BatchOrder
    /// Pad every batch to this length, or (nil) to its longest example.
    public let paddedLength: Int?
    /// Builds the batches.
    public let collator: Collator
    /// Micro-batches per optimizer step (gradient accumulation), for `batch(step:micro:)`.
    public let microBatchesPerStep: Int
    /// The next batch's position.
    public private(set) var position: Position
    private var epochOrder: [Int]

    /// A loader starting at `position`.
    public init(examples: [DataExample], batchSize: Int, order: BatchOrder, collator: Collator,
                paddedLength: Int? = nil, microBatchesPerStep: Int = 1, position: Position = Position()) throws(DataError) {
        guard !examples.isEmpty else { throw .invalidSetting("no training examples") }
        guard batchSize >= 1 else { throw .invalidSetting("batch size \(batchSize) is below 1") }
        guard microBatchesPerStep >= 1 else { throw .invalidSetting("micro-batches per step \(microBatchesPerStep) is below 1") }
        guard position.epoch >= 0, position.index >= 0, position.index <= examples.count else {
            throw .invalidSetting("position epoch \(position.epoch), index \(position.index) is outside \(examples.count) examples")
        }
        self.examples = examples
        self.batchSize = batchSize
        self.order = order
        self.collator = collator
        self.paddedLength = paddedLength
        self.microBatchesPerStep = microBatchesPerStep
        self.position = position
        self.epochOrder = order.indices(lengths: examples.map(\.length), epoch: position.epoch)
    }

    /// The indices of the examples in the next batch, advancing the position (and the epoch when one ends).
    public mutating func nextIndices() -> [Int] {
        if position.index >= examples.count {
            position = Position(epoch: position.epoch + 1, index: 0)
            epochOrder = order.indices(lengths: examples.map(\.length), epoch: position.epoch)
        }
        let end = min(position.index + batchSize, examples.count)
        let indices = Array(epochOrder[position.index..<end])
        position.index = end
        return indices
    }

    /// The next batch.
    public mutating func next() throws(DataError) -> Batch {
        try collator.batch(nextIndices().map { examples[$0] }, length: paddedLength)
    }

    /// Batches in one epoch (the last may be short).
    public var batchesPerEpoch: Int { (examples.count + batchSize - 1) / batchSize }

    /// Where micro-batch `micro` of optimizer step `step` starts, counting every micro-batch from the first.
    public func position(step: Int, micro: Int) -> Position {
        let global = step * microBatchesPerStep + micro
        return Position(epoch: global / batchesPerEpoch, index: (global % batchesPerEpoch) * batchSize)
    }

    /// The example indices of the batch starting at `position`, without moving the loader.
    public func indices(at position: Position) -> [Int] {
        let order = position.epoch == self.position.epoch && !epochOrder.isEmpty
            ? epochOrder : order.indices(lengths: examples.map(\.length), epoch: position.epoch)
        let start = min(position.index, examples.count)
        return Array(order[start..<min(start + batchSize, examples.count)])
    }

    public func batch(step: Int, micro: Int) throws -> Batch {
        guard step >= 0, micro >= 0, micro < microBatchesPerStep else {
            throw DataError.invalidSetting("no micro-batch \(micro) of step \(step) with \(microBatchesPerStep) per step")
        }
        return try collator.batch(indices(at: position(step: step, micro: micro)).map { examples[$0] }, length: paddedLength)
    }

    public var maximumShape: (batch: Int, sequence: Int) {
        (min(batchSize, examples.count), paddedLength ?? examples.map(\.ids.count).max() ?? 1)
    }
}
