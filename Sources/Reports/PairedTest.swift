import Foundation

/// A two-sided paired t-test of two configurations over the seeds both ran.
public struct PairedTest: Sendable, Equatable {
    /// The seeds both configurations have a value for.
    public let pairs: Int
    /// Mean of (candidate − reference) over those seeds.
    public let meanDifference: Double
    /// The two-sided p-value (nil below two pairs: no test is possible).
    public let pValue: Double?
    /// The paired differences (candidate − reference), in seed order.
    public let differences: [Double]
    /// Their seeds.
    public let seeds: [String]

    /// Tests `candidate` against `reference`, pairing values by seed.
    public init(candidate: [String: Double], reference: [String: Double]) {
        let seeds = Set(candidate.keys).intersection(reference.keys).filter { !candidate[$0]!.isNaN && !reference[$0]!.isNaN }
        let differences = seeds.sorted().map { candidate[$0]! - reference[$0]! }
        self.differences = differences
        self.seeds = seeds.sorted()
        pairs = differences.count
        let n = Double(differences.count)
        let mean = differences.isEmpty ? Double.nan : differences.reduce(0, +) / n
        meanDifference = mean
        guard differences.count >= 2 else {
            pValue = nil
            return
        }
        let variance = differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        if variance == 0 {
            // Identical differences on every seed: either no difference at all, or a perfectly consistent one.
            pValue = mean == 0 ? 1 : 0
        } else {
            let t = mean / (variance / n).squareRoot()
            pValue = StudentT.twoSidedTail(t, degreesOfFreedom: n - 1)
        }
    }

    /// Holm's step-down adjustment of a family of p-values (nil entries are tests not made, outside the family):
    /// the i-th smallest of m is multiplied by m − i + 1, kept at least as large as the one before, capped at 1.
    /// Comparing the adjusted values with α holds the chance of any false "significant" in the family at α.
    public static func holm(_ pValues: [Double?]) -> [Double?] {
        let made = pValues.indices.filter { pValues[$0] != nil }.sorted { (pValues[$0]!, $0) < (pValues[$1]!, $1) }
        var adjusted = [Double?](repeating: nil, count: pValues.count)
        var running = 0.0
        for (rank, index) in made.enumerated() {
            running = max(running, min(1, Double(made.count - rank) * pValues[index]!))
            adjusted[index] = running
        }
        return adjusted
    }

    /// Whether the difference is significant at `alpha` (false when no test was possible).
    public func isSignificant(alpha: Double = 0.05) -> Bool {
        pValue.map { $0 < alpha } ?? false
    }
}
