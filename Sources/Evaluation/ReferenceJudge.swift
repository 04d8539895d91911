/// Judges answers against the prompt's reference answer; needs no model and no network.
///
/// The answer that matches the reference after `AnswerNormalizer` wins. When both or neither match, the one with
/// the higher chrF against the reference (character n-grams up to 6, β = 2, both sides normalized first) wins;
/// chrF scores within 1e-9 of each other are a tie. A prompt without a reference is a failed judgment.
public struct ReferenceJudge: Judge {
    /// Scores closer than this are equal: the same text scored twice must tie whatever the rounding.
    public static let tieTolerance = 1e-9

    /// The closeness metric used when exact matching does not decide.
    public var metric: ChrF

    /// The reference judge with standard chrF.
    public init(metric: ChrF = ChrF()) {
        self.metric = metric
    }

    /// Always "reference".
    public var spec: String { "reference" }

    /// Exact match first, then chrF; the raw output states both, e.g. `exact a=yes b=no; chrF a=1.000000 b=0.312500`.
    public func judge(_ request: JudgeRequest) -> JudgeVerdict {
        guard let reference = request.reference else {
            return JudgeVerdict(outcome: .failed(reason: "the prompt has no reference answer"), rawOutput: "")
        }
        let normalizedReference = AnswerNormalizer.normalize(reference)
        let a = AnswerNormalizer.normalize(request.answerA)
        let b = AnswerNormalizer.normalize(request.answerB)
        let exactA = a == normalizedReference
        let exactB = b == normalizedReference
        let chrfA = metric.score(hypothesis: a, reference: normalizedReference)
        let chrfB = metric.score(hypothesis: b, reference: normalizedReference)
        let outcome: JudgmentOutcome
        if exactA != exactB {
            outcome = exactA ? .a : .b
        } else if abs(chrfA - chrfB) <= Self.tieTolerance {
            outcome = .tie
        } else {
            outcome = chrfA > chrfB ? .a : .b
        }
        let raw = "exact a=\(exactA ? "yes" : "no") b=\(exactB ? "yes" : "no"); "
            + "chrF a=\(Self.format(chrfA)) b=\(Self.format(chrfB)) -> \(outcome.label)"
        return JudgeVerdict(outcome: outcome, rawOutput: raw)
    }

    static func format(_ value: Double) -> String {
        // Six decimals, written out by hand so the stored text does not depend on the platform's formatter.
        let scaled = Int((value * 1_000_000).rounded())
        let whole = scaled / 1_000_000
        let fraction = String(scaled % 1_000_000)
        return "\(whole)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}
