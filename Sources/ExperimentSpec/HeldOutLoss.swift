/// Mean cross-entropy (and perplexity) of the adapted model on the held-out split of the training data.
public struct HeldOutLoss: Codable, Sendable, Equatable, Hashable, EvaluationComponent {
    /// Held-out examples (a sample seeded by the data seed) are taken until their scored (label) tokens reach
    /// this many, or the whole split when it holds fewer; 0: the whole split.
    public var minTokens: Int
    /// At most this many held-out examples (0: no cap). A cap below what `minTokens` needs makes the loss rest
    /// on fewer tokens; the report prints how many.
    public var maxExamples: Int

    /// At least `minTokens` scored tokens (2,000 by default: fewer make a loss whose noise the report would rank).
    public init(minTokens: Int = 2000, maxExamples: Int = 0) {
        self.minTokens = minTokens
        self.maxExamples = maxExamples
    }

    private enum CodingKeys: String, CodingKey { case minTokens, maxExamples }

    /// Reads settings written before `minTokens` existed: no token floor, at most `maxExamples` examples.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        minTokens = try c.decodeIfPresent(Int.self, forKey: .minTokens) ?? 0
        maxExamples = try c.decodeIfPresent(Int.self, forKey: .maxExamples) ?? 0
    }

    public func add(to settings: inout EvaluationSettings) { settings.heldOutLoss = self }
}
