/// What to measure after training; the evaluation code reads these values.
public struct EvaluationSettings: Codable, Sendable, Equatable, Hashable {
    /// Loss and perplexity on the held-out split, or nil to skip.
    public var heldOutLoss: HeldOutLoss?
    /// Generation tasks whose answers are checked exactly.
    public var exactAnswers: [ExactAnswers]
    /// A pairwise tournament between the experiment's cells, rated with Elo, or nil to skip.
    public var tournament: Tournament?

    /// By default only the held-out loss, which every run can afford.
    public init(heldOutLoss: HeldOutLoss? = HeldOutLoss(), exactAnswers: [ExactAnswers] = [], tournament: Tournament? = nil) {
        self.heldOutLoss = heldOutLoss
        self.exactAnswers = exactAnswers
        self.tournament = tournament
    }

    private enum CodingKeys: String, CodingKey { case heldOutLoss, exactAnswers, tournament }

    /// Writes absent evaluations as `null` (synthesized code would drop the key), so that every field of a
    /// resolved configuration is visible in its canonical JSON.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(heldOutLoss, forKey: .heldOutLoss)
        try c.encode(exactAnswers, forKey: .exactAnswers)
        try c.encode(tournament, forKey: .tournament)
    }
}
