/// A judge's answer to one request: the outcome and the raw output it was read from, kept for the store.
public struct JudgeVerdict: Sendable, Hashable, Codable {
    /// The decision, or the failure.
    public var outcome: JudgmentOutcome
    /// What the judge produced, verbatim (possibly shortened when it was huge; the text says so).
    public var rawOutput: String

    /// `outcome`, read from `rawOutput`.
    public init(outcome: JudgmentOutcome, rawOutput: String) {
        self.outcome = outcome
        self.rawOutput = rawOutput
    }
}
