/// chrF, the character n-gram F-score (Popović 2015), as sacrebleu computes it by default.
///
/// Whitespace is removed and both strings are read as Unicode scalars. For each order n = 1…`maxOrder`,
/// precision is the share of the hypothesis's n-grams found in the reference and recall the share of the
/// reference's n-grams found in the hypothesis (counts clipped, so a repeated n-gram matches at most as often as
/// it occurs on the other side). Precision and recall are each averaged over the orders that both strings are
/// long enough to have, then combined as F_β = (1 + β²)·P·R / (β²·P + R), so β = 2 weighs recall twice as much
/// as precision. The score lies in [0, 1] (sacrebleu prints it times 100); it is 0 when nothing matches or
/// either string is empty.
public struct ChrF: Sendable, Hashable {
    /// The longest character n-gram counted (6 in the standard definition).
    public var maxOrder: Int
    /// How many times more recall weighs than precision (2 in the standard definition).
    public var beta: Double

    /// chrF with the standard constants: n-grams up to 6 characters, β = 2.
    public init(maxOrder: Int = 6, beta: Double = 2) {
        self.maxOrder = max(1, maxOrder)
        self.beta = beta
    }

    /// The chrF score of `hypothesis` against `reference`, in [0, 1].
    public func score(hypothesis: String, reference: String) -> Double {
        let hyp = Self.characters(hypothesis)
        let ref = Self.characters(reference)
        var precisionSum = 0.0
        var recallSum = 0.0
        var orders = 0
        for n in 1...maxOrder {
            // An order one string is too short for has no n-grams to compare; it is left out of the averages.
            guard hyp.count >= n, ref.count >= n else { continue }
            let hypCounts = Self.ngrams(hyp, n)
            let refCounts = Self.ngrams(ref, n)
            var matches = 0
            for (gram, count) in hypCounts {
                if let other = refCounts[gram] { matches += min(count, other) }
            }
            precisionSum += Double(matches) / Double(hyp.count - n + 1)
            recallSum += Double(matches) / Double(ref.count - n + 1)
            orders += 1
        }
        guard orders > 0 else { return 0 }
        let precision = precisionSum / Double(orders)
        let recall = recallSum / Double(orders)
        let factor = beta * beta
        guard precision + recall > 0 else { return 0 }
        return (1 + factor) * precision * recall / (factor * precision + recall)
    }

    static func characters(_ text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { !$0.properties.isWhitespace }
    }

    static func ngrams(_ scalars: [Unicode.Scalar], _ n: Int) -> [String: Int] {
        var counts: [String: Int] = [:]
        for start in 0...(scalars.count - n) {
            var gram = String.UnicodeScalarView()
            gram.append(contentsOf: scalars[start..<(start + n)])
            counts[String(gram), default: 0] += 1
        }
        return counts
    }
}
