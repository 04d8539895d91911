/// Mean cross-entropy (and perplexity) of the adapted model on the held-out split of the training data.
public struct HeldOutLoss: Codable, Sendable, Equatable, Hashable, EvaluationComponent {
    /// Held-out examples (a sample seeded by `data.splitSeed`) are taken until their scored (label) tokens reach
    /// this many, or the whole split when it holds fewer; 0: the whole split.
    public var minTokens: Int
    /// At most this many held-out examples (0: no cap). A cap below what `minTokens` needs makes the loss rest
    /// on fewer tokens; the report prints how many.
    public var maxExamples: Int
    /// The assistant turns of held-out conversations that are scored, whatever the cells trained on (nil: the
    /// same turns as training). Cells that train on different turns are compared on one fixed set of tokens.
    public var turns: AssistantTurns?

    /// At least `minTokens` scored tokens (2,000 by default: fewer make a loss whose noise the report would rank),
    /// on `turns` of each held-out conversation (nil: those the cell trains on).
    public init(minTokens: Int = 2000, maxExamples: Int = 0, turns: AssistantTurns? = nil) {
        self.minTokens = minTokens
        self.maxExamples = maxExamples
        self.turns = turns
    }

    private enum CodingKeys: String, CodingKey { case minTokens, maxExamples, turns }

    /// Reads settings written before `minTokens` existed: no token floor, at most `maxExamples` examples.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        minTokens = try c.decodeIfPresent(Int.self, forKey: .minTokens) ?? 0
        maxExamples = try c.decodeIfPresent(Int.self, forKey: .maxExamples) ?? 0
        turns = try c.decodeIfPresent(AssistantTurns.self, forKey: .turns)
    }

    /// Writes `turns` only when set, so that settings written before it existed keep their canonical JSON.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(minTokens, forKey: .minTokens)
        try c.encode(maxExamples, forKey: .maxExamples)
        try c.encodeIfPresent(turns, forKey: .turns)
    }

    public func add(to settings: inout EvaluationSettings) { settings.heldOutLoss = self }
}
