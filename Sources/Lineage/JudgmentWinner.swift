/// A judge's verdict on a pair, in terms of the pair's A and B (not of the order shown to the judge).
public enum JudgmentWinner: String, Codable, Sendable, CaseIterable {
    case a
    case b
    case tie
    /// The judge's output could not be read as a verdict.
    case failed
}
