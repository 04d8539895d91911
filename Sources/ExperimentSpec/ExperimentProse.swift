/// The Markdown an experiment carries for its report: what it is, what it asks, what was expected and found.
public struct ExperimentProse: Sendable, Equatable, Codable {
    /// What the experiment is.
    public var description: String?
    /// The question it answers.
    public var question: String?
    /// The expected answer, written before the run.
    public var hypothesis: String?
    /// Anything else worth knowing (costs, caveats, sources).
    public var notes: String?
    /// The answer, written after reading the report.
    public var conclusion: String?

    /// No prose.
    public init() {}
}
