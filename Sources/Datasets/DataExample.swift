/// One tokenized training example: ids and, per id, whether the loss covers it.
public struct DataExample: Sendable, Equatable, Codable {
    /// Token ids, special tokens included.
    public var ids: [Int]
    /// `trained[i]`: position i carries a label (its own id; the model shifts).
    public var trained: [Bool]
    /// The length group-by-length batching sorts on.
    public var length: Int

    /// An example of `ids` with the loss where `trained` is set; `length` defaults to the token count.
    public init(ids: [Int], trained: [Bool], length: Int? = nil) {
        precondition(ids.count == trained.count, "one trained flag per id")
        self.ids = ids
        self.trained = trained
        self.length = length ?? ids.count
    }

    /// The labels: the id where trained, -100 elsewhere.
    public var labels: [Int] { zip(ids, trained).map { $1 ? $0 : -100 } }

    /// How many positions carry a label.
    public var labelCount: Int { trained.reduce(0) { $0 + ($1 ? 1 : 0) } }
}
