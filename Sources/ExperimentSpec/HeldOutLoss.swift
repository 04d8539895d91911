/// Mean cross-entropy (and perplexity) of the adapted model on the held-out split of the training data.
public struct HeldOutLoss: Codable, Sendable, Equatable, Hashable, EvaluationComponent {
    /// At most this many held-out examples (0: all of them).
    public var maxExamples: Int

    /// The whole held-out split, or its first `maxExamples` examples.
    public init(maxExamples: Int = 0) { self.maxExamples = maxExamples }

    public func add(to settings: inout EvaluationSettings) { settings.heldOutLoss = self }
}
