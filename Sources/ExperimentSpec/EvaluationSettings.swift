/// What to measure after training; the evaluation code reads these values.
public struct EvaluationSettings: Codable, Sendable, Equatable, Hashable {
    /// Loss and perplexity on the held-out split, or nil to skip.
    public var heldOutLoss: HeldOutLoss?
    /// Generation tasks whose answers are checked exactly.
    public var exactAnswers: [ExactAnswers]
    /// A pairwise tournament between the experiment's cells, rated with Elo, or nil to skip.
    public var tournament: Tournament?
    /// Multiple-choice question sets scored by the logits of the option letters.
    public var multipleChoice: [MultipleChoice] = []
    /// Perplexity of text files, before and/or after training.
    public var perplexity: [Perplexity] = []
    /// k-shot multiple-choice benchmarks, before and/or after training.
    public var benchmarks: [Benchmark] = []

    /// By default only the held-out loss, which every run can afford.
    public init(heldOutLoss: HeldOutLoss? = HeldOutLoss(), exactAnswers: [ExactAnswers] = [], tournament: Tournament? = nil) {
        self.heldOutLoss = heldOutLoss
        self.exactAnswers = exactAnswers
        self.tournament = tournament
    }

    private enum CodingKeys: String, CodingKey { case heldOutLoss, exactAnswers, tournament, multipleChoice, perplexity, benchmarks }

    /// Reads settings written by this or an earlier version (which had no multiple-choice sets or perplexity).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        heldOutLoss = try c.decodeIfPresent(HeldOutLoss.self, forKey: .heldOutLoss)
        exactAnswers = try c.decodeIfPresent([ExactAnswers].self, forKey: .exactAnswers) ?? []
        tournament = try c.decodeIfPresent(Tournament.self, forKey: .tournament)
        multipleChoice = try c.decodeIfPresent([MultipleChoice].self, forKey: .multipleChoice) ?? []
        perplexity = try c.decodeIfPresent([Perplexity].self, forKey: .perplexity) ?? []
        benchmarks = try c.decodeIfPresent([Benchmark].self, forKey: .benchmarks) ?? []
    }

    /// Writes absent evaluations as `null` (synthesized code would drop the key), so that every field of a
    /// resolved configuration is visible in its canonical JSON.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(heldOutLoss, forKey: .heldOutLoss)
        try c.encode(exactAnswers, forKey: .exactAnswers)
        try c.encode(tournament, forKey: .tournament)
        try c.encode(multipleChoice, forKey: .multipleChoice)
        try c.encode(perplexity, forKey: .perplexity)
        // Written only when there are some, so that the canonical JSON (hence the id) of every cell that
        // measures no benchmark stays what it was before benchmarks existed.
        if !benchmarks.isEmpty { try c.encode(benchmarks, forKey: .benchmarks) }
    }
}
