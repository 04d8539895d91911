/// A judged match: who was shown where, what the judge decided and what it printed.
public struct TournamentJudgment: Sendable, Hashable, Codable {
    /// The match judged.
    public var match: TournamentMatch
    /// The judge's decision, or why it failed.
    public var outcome: JudgmentOutcome
    /// The judge's raw output, for the store.
    public var rawOutput: String

    /// `match` judged as `outcome`, read from `rawOutput`.
    public init(match: TournamentMatch, outcome: JudgmentOutcome, rawOutput: String) {
        self.match = match
        self.outcome = outcome
        self.rawOutput = rawOutput
    }

    /// The battle for the rating code, or nil when the judgment failed.
    public var battle: Battle? {
        outcome.winner.map { Battle(modelA: match.contestantA, modelB: match.contestantB, winner: $0) }
    }

    /// Whether the judge gave no usable verdict.
    public var failed: Bool { outcome.failureReason != nil }
}
