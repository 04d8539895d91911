import Tensors

/// The order examples are visited in each epoch: as stored, shuffled, or Hugging Face's length grouping.
public enum BatchOrder: Sendable, Equatable, Codable {
    /// File order, every epoch.
    case sequential
    /// A fresh seeded permutation per epoch.
    case shuffled(seed: UInt64)
    /// transformers' `LengthGroupedSampler`: a seeded permutation cut into mega-batches of
    /// `megaBatchMultiplier × batchSize`, each sorted by length descending, the longest example moved to the
    /// very front (so a run that runs out of memory does so on its first step).
    case groupedByLength(seed: UInt64, batchSize: Int)

    /// The visiting order of `lengths.count` examples in `epoch` (0-based); the same inputs give the same order.
    public func indices(lengths: [Int], epoch: Int) -> [Int] {
        switch self {
        case .sequential:
            return Array(lengths.indices)
        case .shuffled(let seed):
            var generator = Self.generator(seed: seed, epoch: epoch)
            return Self.permutation(lengths.count, using: &generator)
        case .groupedByLength(let seed, let batchSize):
            var generator = Self.generator(seed: seed, epoch: epoch)
            return Self.lengthGrouped(lengths: lengths, batchSize: batchSize, using: &generator)
        }
    }

    /// Each epoch draws from its own stream, so that epoch e's order never depends on how far e − 1 was read.
    static func generator(seed: UInt64, epoch: Int) -> SeededGenerator {
        SeededGenerator(seed: seed).substream(UInt64(epoch))
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates with unbiased bounded draws).
    public static func permutation(_ n: Int, using generator: inout SeededGenerator) -> [Int] {
        var order = Array(0..<n)
        guard n > 1 else { return order }
        for i in stride(from: n - 1, to: 0, by: -1) {
            order.swapAt(i, uniform(below: UInt64(i + 1), using: &generator))
        }
        return order
    }

    /// A draw in 0..<bound without modulo bias (rejection of the incomplete top range).
    static func uniform(below bound: UInt64, using generator: inout SeededGenerator) -> Int {
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let x = generator.next()
            if x < limit { return Int(x % bound) }
        }
    }

    /// `get_length_grouped_indices` of transformers' trainer_pt_utils, on our own permutation.
    public static func lengthGrouped(lengths: [Int], batchSize: Int, using generator: inout SeededGenerator) -> [Int] {
        lengthGrouped(lengths: lengths, batchSize: batchSize, permutation: permutation(lengths.count, using: &generator))
    }

    /// The grouping applied to a given permutation of the indices of `lengths`.
    public static func lengthGrouped(lengths: [Int], batchSize: Int, permutation: [Int]) -> [Int] {
        let n = lengths.count
        guard n > 0 else { return [] }
        let multiplier = max(1, min(n / max(1, batchSize * 4), 50))
        let megaBatchSize = multiplier * max(1, batchSize)
        var megaBatches: [[Int]] = stride(from: 0, to: n, by: megaBatchSize).map { start in
            let slice = permutation[start..<min(start + megaBatchSize, n)]
            // Python's sort is stable: ties keep their order in the permutation.
            return slice.enumerated().sorted { a, b in
                lengths[a.element] != lengths[b.element] ? lengths[a.element] > lengths[b.element] : a.offset < b.offset
            }.map(\.element)
        }
        var longest = 0
        for i in megaBatches.indices where lengths[megaBatches[i][0]] > lengths[megaBatches[longest][0]] { longest = i }
        let first = megaBatches[0][0]
        megaBatches[0][0] = megaBatches[longest][0]
        megaBatches[longest][0] = first
        return megaBatches.flatMap { $0 }
    }
}
