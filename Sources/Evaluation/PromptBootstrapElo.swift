import Tensors

/// Elo over random orderings of paired comparisons, with intervals from a bootstrap over prompts: the prompts
/// are the unit that was sampled, so a resample draws as many prompts as there are, with replacement, takes every
/// comparison on each prompt drawn (as often as it was drawn), and computes the mean Elo over the orderings
/// again; a model's interval is the 2.5th to 97.5th percentile of its resampled ratings. It covers the sampling of
/// prompts (and the orderings), not the judge's own noise on a given prompt.
public struct PromptBootstrapElo: Sendable, Hashable {
    /// The Elo over orderings computed for the point estimate and for each resample.
    public var elo: RandomOrderingElo
    /// Bootstrap resamples of the prompts.
    public var samples: Int
    /// The seed of the resamples.
    public var seed: UInt64

    public init(elo: RandomOrderingElo = RandomOrderingElo(), samples: Int = 1000, seed: UInt64 = 42) {
        self.elo = elo
        self.samples = samples
        self.seed = seed
    }

    /// Each model's mean Elo over the orderings of all `comparisons`, with its prompt-bootstrap interval.
    public func ratings(_ comparisons: [PairedComparison.Comparison]) throws(RatingError) -> [String: RatingEstimate] {
        guard samples > 0 else { throw .invalidParameter("the number of bootstrap samples must be positive, not \(samples)") }
        guard !comparisons.isEmpty else { throw .notEnoughBattles("no comparison to rate") }
        var prompts: [String] = []
        var byPrompt: [String: [Battle]] = [:]
        for c in comparisons {
            if byPrompt[c.promptID] == nil { prompts.append(c.promptID) }
            byPrompt[c.promptID, default: []].append(c.battle)
        }
        let point = try elo.ratings(comparisons.map(\.battle))
        var resampled: [String: [Double]] = [:]
        let root = SeededGenerator(seed: seed)
        for s in 0..<samples {
            // One substream per resample: resample s is the same whatever the number of resamples.
            var generator = root.substream(UInt64(s))
            var battles: [Battle] = []
            for _ in prompts.indices {
                battles += byPrompt[prompts[generator.index(below: prompts.count)]]!
            }
            for (model, estimate) in try elo.ratings(battles) { resampled[model, default: []].append(estimate.rating) }
        }
        var result: [String: RatingEstimate] = [:]
        for (model, estimate) in point {
            // A model missing from some resamples (all its prompts left out) has its interval from the others.
            result[model] = RatingEstimate(rating: estimate.rating, interval: RatingInterval.percentile95(of: resampled[model] ?? []))
        }
        return result
    }
}
