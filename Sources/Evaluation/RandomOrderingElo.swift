import Tensors

/// Sequential Elo averaged over random orderings of the battles, as the QLoRA paper reports it.
///
/// Online Elo depends on the order of the battles; the paper removes that by replaying the same battles in
/// 10,000 random orders and reporting each model's mean rating with a 95% interval. The interval here is
/// the 2.5th to 97.5th percentile of a model's rating over the orderings (linear interpolation between order
/// statistics): it measures how much the order alone moves a rating, not sampling error in the battles.
public struct RandomOrderingElo: Sendable, Hashable {
    /// The constants of each sequential pass.
    public var parameters: EloParameters
    /// How many random orderings to average over.
    public var orderings: Int
    /// The seed the orderings are drawn from.
    public var seed: UInt64

    /// `orderings` random orderings drawn from `seed`, each played with `parameters`.
    public init(parameters: EloParameters = EloParameters(), orderings: Int = 10_000, seed: UInt64 = 42) {
        self.parameters = parameters
        self.orderings = orderings
        self.seed = seed
    }

    /// Each model's mean rating over the orderings, with its 2.5–97.5 percentile interval.
    public func ratings(_ battles: [Battle]) throws(RatingError) -> [String: RatingEstimate] {
        try parameters.validate()
        guard orderings > 0 else { throw .invalidParameter("the number of orderings must be positive, not \(orderings)") }
        let indexed = IndexedBattles(battles)
        let modelCount = indexed.models.count
        // samples[m * orderings + o]: model m's rating after ordering o, kept to read off percentiles.
        var samples = [Double](repeating: 0, count: modelCount * orderings)
        var order = [Int](repeating: 0, count: indexed.count)
        let root = SeededGenerator(seed: seed)
        for o in 0..<orderings {
            // One substream per ordering, and the permutation restarted from the identity, so ordering o is
            // the same whatever the number of orderings or the order they are computed in.
            var generator = root.substream(UInt64(o))
            for i in order.indices { order[i] = i }
            generator.shuffle(&order)
            let ratings = indexed.sequentialRatings(parameters, order: order)
            for m in 0..<modelCount { samples[m * orderings + o] = ratings[m] }
        }
        var result: [String: RatingEstimate] = [:]
        for (m, name) in indexed.models.enumerated() {
            let own = Array(samples[(m * orderings)..<((m + 1) * orderings)])
            let mean = own.reduce(0, +) / Double(orderings)
            result[name] = RatingEstimate(rating: mean, interval: RatingInterval.percentile95(of: own))
        }
        return result
    }
}
