/// How far judges agree on the same battles: the raw agreement and the chance-corrected kappa (Cohen's for two
/// judges, Fleiss' for any number), as the QLoRA paper's Table 7 compares GPT-4 with human raters.
///
/// Verdicts are categories (`model_a`, `model_b`, `tie`); kappa = (observed − expected) / (1 − expected), where
/// the agreement expected by chance comes from the judges' own frequencies of each category (Cohen: each judge's
/// own; Fleiss: pooled over the judges). When chance agreement is already complete (every verdict the same
/// category) kappa is undefined: NaN.
public enum JudgeAgreement {
    /// Agreement over `items` battles.
    public struct Measure: Sendable, Equatable {
        /// Battles every judge rated.
        public var items: Int
        /// Observed agreement: the fraction of battles (Cohen) or of pairs of judges on a battle (Fleiss) that agree.
        public var observed: Double
        /// Agreement expected by chance.
        public var expected: Double
        /// (observed − expected) / (1 − expected).
        public var kappa: Double
    }

    /// Cohen's kappa of two judges' verdicts on the same items (`a[i]` and `b[i]` rate item i; categories 0..<k).
    public static func cohen(_ a: [Int], _ b: [Int], categories k: Int) throws(RatingError) -> Measure {
        guard a.count == b.count else { throw .invalidParameter("two judges rate \(a.count) and \(b.count) items; they must rate the same ones") }
        guard !a.isEmpty else { throw .invalidParameter("no battle was rated by both judges") }
        guard (a + b).allSatisfy({ (0..<k).contains($0) }) else { throw .invalidParameter("a verdict outside the \(k) categories") }
        let n = Double(a.count)
        let observed = Double(zip(a, b).filter { $0 == $1 }.count) / n
        var expected = 0.0
        for c in 0..<k {
            expected += Double(a.filter { $0 == c }.count) / n * (Double(b.filter { $0 == c }.count) / n)
        }
        return Measure(items: a.count, observed: observed, expected: expected, kappa: kappa(observed, expected))
    }

    /// Fleiss' kappa of `ratings[i]`, the verdicts of every judge on item i (each item rated by the same number
    /// of judges, at least two).
    public static func fleiss(_ ratings: [[Int]], categories k: Int) throws(RatingError) -> Measure {
        guard let raters = ratings.first?.count else { throw .invalidParameter("no battle was rated by every judge") }
        guard raters >= 2, ratings.allSatisfy({ $0.count == raters }) else {
            throw .invalidParameter("every battle must be rated by the same number of judges, at least two")
        }
        guard ratings.joined().allSatisfy({ (0..<k).contains($0) }) else { throw .invalidParameter("a verdict outside the \(k) categories") }
        let r = Double(raters), items = Double(ratings.count)
        var totals = [Double](repeating: 0, count: k)
        var observed = 0.0
        for item in ratings {
            var counts = [Double](repeating: 0, count: k)
            for v in item { counts[v] += 1 }
            for c in 0..<k { totals[c] += counts[c] }
            // The fraction of the r(r−1) ordered pairs of judges that agree on this item.
            observed += (counts.map { $0 * $0 }.reduce(0, +) - r) / (r * (r - 1))
        }
        observed /= items
        let expected = totals.map { ($0 / (items * r)) * ($0 / (items * r)) }.reduce(0, +)
        return Measure(items: ratings.count, observed: observed, expected: expected, kappa: kappa(observed, expected))
    }

    static func kappa(_ observed: Double, _ expected: Double) -> Double {
        expected >= 1 ? .nan : (observed - expected) / (1 - expected)
    }
}
