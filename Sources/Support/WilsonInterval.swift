import Foundation

/// The Wilson score interval of a binomial proportion: the p whose normal test at level z does not reject
/// `successes` out of `trials`. Unlike p ± z·√(p(1−p)/n) it stays inside [0, 1] and is not empty at 0 or n.
public struct WilsonInterval: Sendable, Equatable, Codable {
    public var lower: Double
    public var upper: Double

    /// z of a two-sided 95% interval.
    public static let z95 = 1.959963984540054

    /// The interval of proportion `p` observed on `n` trials (n may be fractional: an effective sample size).
    public init(proportion p: Double, trials n: Double, z: Double = WilsonInterval.z95) {
        guard n > 0 else { lower = 0; upper = 1; return }
        let z2 = z * z
        let center = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        lower = max(0, center - half)
        upper = min(1, center + half)
    }

    /// The interval of `successes` out of `trials`.
    public init(successes: Int, trials: Int, z: Double = WilsonInterval.z95) {
        self.init(proportion: trials > 0 ? Double(successes) / Double(trials) : 0, trials: Double(trials), z: z)
    }
}
