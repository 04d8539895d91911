/// A rating together with the interval that resampling puts around it.
public struct RatingEstimate: Sendable, Hashable, Codable {
    /// The point estimate (the mean over orderings, or the maximum-likelihood rating).
    public var rating: Double
    /// The 2.5th and 97.5th percentiles of the resampled ratings, when resampling was done.
    public var interval: RatingInterval?

    /// An estimate of `rating`, with `interval` when one was computed.
    public init(rating: Double, interval: RatingInterval? = nil) {
        self.rating = rating
        self.interval = interval
    }
}

/// The bounds of a confidence interval on the rating scale.
public struct RatingInterval: Sendable, Hashable, Codable {
    /// The lower bound.
    public var lower: Double
    /// The upper bound.
    public var upper: Double

    /// The interval from `lower` to `upper`.
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// Whether `value` lies inside the interval, bounds included.
    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }

    /// The 95% interval of `samples`: their 2.5th and 97.5th percentiles, interpolated linearly between
    /// order statistics (numpy's default), so it agrees with `np.percentile(x, [2.5, 97.5])`.
    public static func percentile95(of samples: [Double]) -> RatingInterval? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        return RatingInterval(lower: percentile(sorted, 0.025), upper: percentile(sorted, 0.975))
    }

    /// The `p`-quantile of ascending `sorted`, with numpy's linear interpolation at position p·(n−1).
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        let position = p * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        let fraction = position - Double(low)
        return sorted[low] + fraction * (sorted[high] - sorted[low])
    }
}
