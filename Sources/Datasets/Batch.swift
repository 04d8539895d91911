/// One micro-batch as the trainer consumes it: batch × sequence arrays, row-major, right-padded.
public struct Batch: Sendable, Equatable, Codable {
    /// Rows.
    public let batchSize: Int
    /// Columns (every row padded to this length).
    public let sequenceLength: Int
    /// Token ids; padding holds the pad id.
    public var inputIDs: [Int]
    /// 1 on real tokens, 0 on padding.
    public var attentionMask: [Int]
    /// The id where the loss applies, -100 elsewhere (unshifted: the model shifts by one).
    public var labels: [Int]

    /// A batch from row-major arrays of `batchSize × sequenceLength` entries each.
    public init(batchSize: Int, sequenceLength: Int, inputIDs: [Int], attentionMask: [Int], labels: [Int]) throws(DataError) {
        let n = batchSize * sequenceLength
        guard batchSize >= 0, sequenceLength >= 0, inputIDs.count == n, attentionMask.count == n, labels.count == n else {
            throw .invalidSetting("a \(batchSize)×\(sequenceLength) batch needs \(n) entries per array; got input_ids "
                                  + "\(inputIDs.count), attention_mask \(attentionMask.count), labels \(labels.count)")
        }
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
        self.inputIDs = inputIDs
        self.attentionMask = attentionMask
        self.labels = labels
    }

    /// Row `r` of the token ids.
    public func inputIDs(row r: Int) -> ArraySlice<Int> { inputIDs[r * sequenceLength..<(r + 1) * sequenceLength] }
    /// Row `r` of the labels.
    public func labels(row r: Int) -> ArraySlice<Int> { labels[r * sequenceLength..<(r + 1) * sequenceLength] }
    /// Row `r` of the attention mask.
    public func attentionMask(row r: Int) -> ArraySlice<Int> { attentionMask[r * sequenceLength..<(r + 1) * sequenceLength] }

    /// Positions that carry a label before shifting.
    public var labelCount: Int { labels.reduce(0) { $0 + ($1 == -100 ? 0 : 1) } }
    /// Real (unpadded) tokens.
    public var tokenCount: Int { attentionMask.reduce(0, +) }
}
