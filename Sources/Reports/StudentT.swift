import Foundation

/// Student's t distribution: the two-sided tail probability and the quantile the intervals and tests use.
public enum StudentT {
    /// P(|T| ≥ t) for `degreesOfFreedom` ν: the regularized incomplete beta I_{ν/(ν+t²)}(ν/2, 1/2).
    public static func twoSidedTail(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard t.isFinite else { return t.isNaN ? .nan : 0 }
        return incompleteBeta(x: nu / (nu + t * t), a: nu / 2, b: 0.5)
    }

    /// The t with P(|T| ≥ t) = `tail`, e.g. 4.303 for tail 0.05 and ν = 2 (the 95% interval's factor).
    public static func quantile(twoSidedTail tail: Double, degreesOfFreedom nu: Double) -> Double {
        // The tail falls monotonically in t, so bisection converges without a starting guess.
        var low = 0.0, high = 1.0
        while twoSidedTail(high, degreesOfFreedom: nu) > tail { high *= 2 }
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if twoSidedTail(mid, degreesOfFreedom: nu) > tail { low = mid } else { high = mid }
            if high - low < 1e-12 * high { break }
        }
        return (low + high) / 2
    }

    /// The regularized incomplete beta function I_x(a, b), by its continued fraction (modified Lentz).
    static func incompleteBeta(x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logBeta: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let logFront = logBeta + logPowers
        // The fraction converges fast only below the mean; above it, use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a).
        if x > (a + 1) / (a + b + 2) {
            return 1 - incompleteBeta(x: 1 - x, a: b, b: a)
        }
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...500 {
            let m = Double(m)
            let evenDenominator: Double = (a + 2 * m - 1) * (a + 2 * m)
            let even: Double = m * (b - m) * x / evenDenominator
            d = 1 + even * d; if abs(d) < tiny { d = tiny }
            c = 1 + even / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            let oddDenominator: Double = (a + 2 * m) * (a + 2 * m + 1)
            let odd: Double = -(a + m) * (a + b + m) * x / oddDenominator
            d = 1 + odd * d; if abs(d) < tiny { d = tiny }
            c = 1 + odd / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            h *= step
            if abs(step - 1) < 1e-15 { break }
        }
        return exp(logFront) * h / a
    }
}
