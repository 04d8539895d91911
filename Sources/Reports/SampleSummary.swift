import Foundation

/// The mean of a metric over seeds with its Student-t 95% confidence interval.
public struct SampleSummary: Sendable, Equatable {
    /// The values summarized (NaN left out).
    public let values: [Double]
    /// Their mean (NaN when there is none).
    public let mean: Double
    /// Half the width of the 95% interval (nil below two values: one seed says nothing about spread).
    public let halfWidth: Double?

    /// Summarizes `values`, ignoring NaN.
    public init(_ values: [Double]) {
        let kept = values.filter { !$0.isNaN }
        self.values = kept
        let n = Double(kept.count)
        let mean = kept.isEmpty ? Double.nan : kept.reduce(0, +) / n
        self.mean = mean
        if kept.count >= 2 {
            let variance = kept.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
            halfWidth = StudentT.quantile(twoSidedTail: 0.05, degreesOfFreedom: n - 1) * (variance / n).squareRoot()
        } else {
            halfWidth = nil
        }
    }

    /// The interval's lower end (the mean when there is no interval).
    public var lower: Double { mean - (halfWidth ?? 0) }
    /// The interval's upper end (the mean when there is no interval).
    public var upper: Double { mean + (halfWidth ?? 0) }
}
