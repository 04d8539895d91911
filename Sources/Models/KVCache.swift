import Tensors

/// Keys and values of the positions already processed, per layer, for incremental generation.
public final class KVCache: @unchecked Sendable {
    /// Sequences held.
    public let batch: Int
    /// Positions each sequence can hold.
    public let capacity: Int
    /// Positions filled so far (the same for every sequence).
    public internal(set) var length: Int = 0
    /// Per layer, `batch × capacity × kvWidth` keys (after RoPE).
    let keys: [FloatBuffer]
    /// Per layer, `batch × capacity × kvWidth` values.
    let values: [FloatBuffer]

    /// An empty cache for `batch` sequences of up to `capacity` positions of a model of shape `config`.
    public init(config: LlamaConfig, batch: Int = 1, capacity: Int) {
        self.batch = batch
        self.capacity = capacity
        let size = batch * capacity * config.keyValueWidth
        keys = (0..<config.numHiddenLayers).map { _ in FloatBuffer(count: size) }
        values = (0..<config.numHiddenLayers).map { _ in FloatBuffer(count: size) }
    }

    /// Forgets every position.
    public func reset() { length = 0 }

    /// Forgets the positions from `length` on, so that another continuation can follow the first `length`.
    public func truncate(to length: Int) {
        precondition(length >= 0 && length <= self.length, "cannot truncate a cache of \(self.length) positions to \(length)")
        self.length = length
    }
}
