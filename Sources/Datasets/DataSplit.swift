import Tensors

/// The held-out evaluation split: seeded by the settings' seed and the file's content hash only, so the same
/// data and seed give the same split whatever else changes (batch size, model, other datasets, their order).
public enum DataSplit {
    /// Held-out examples for `total` records: `evalSize` itself when ≥ 1, else ⌈evalSize · total⌉ (as
    /// `train_test_split`); throws when nothing would be left to train on.
    public static func evalCount(total: Int, evalSize: Double) throws(DataError) -> Int {
        guard evalSize >= 0, evalSize.isFinite else { throw .invalidSetting("evalSize \(evalSize) must be a non-negative number") }
        let count = evalSize >= 1 ? Int(evalSize) : Int((evalSize * Double(total)).rounded(.up))
        guard total == 0 || count < total else {
            throw .invalidSetting("evalSize \(evalSize) holds out \(count) of \(total) records, leaving none to train on")
        }
        return count
    }

    /// Record indices (ascending, file order kept) of the training and evaluation parts.
    public static func split(total: Int, evalSize: Double, seed: UInt64, contentHash: String) throws(DataError) -> (train: [Int], eval: [Int]) {
        let count = try evalCount(total: total, evalSize: evalSize)
        var generator = SeededGenerator(seed: seed).substream(key(contentHash))
        let permutation = BatchOrder.permutation(total, using: &generator)
        let held = Set(permutation.prefix(count))
        return ((0..<total).filter { !held.contains($0) }, (0..<total).filter { held.contains($0) })
    }

    /// The first 16 hex digits of a content hash as a stream label.
    static func key(_ hash: String) -> UInt64 {
        UInt64(hash.prefix(16), radix: 16) ?? hash.unicodeScalars.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1.value)) &* 1099511628211 }
    }
}
