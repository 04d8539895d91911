import Foundation

/// The Wilson score interval of a proportion: unlike the normal approximation it stays inside [0, 1] and does
/// not collapse to a point at 0 or n successes, which is where small evaluation sets often land.
public struct WilsonInterval: Sendable, Equatable {
    /// Lower end.
    public let lower: Double
    /// Upper end.
    public let upper: Double

    /// The interval for `successes` of `trials` at normal quantile `z` (1.959964 for 95%).
    public init(successes: Int, trials: Int, z: Double = 1.959964) {
        guard trials > 0 else {
            lower = 0
            upper = 1
            return
        }
        let n = Double(trials), p = Double(successes) / n, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        lower = max(0, centre - half)
        upper = min(1, centre + half)
    }
}
