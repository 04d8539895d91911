// The five prose declarations share one shape; they are separate types so that the body reads as a document.

/// The experiment's description (Markdown).
public struct Description: ExperimentComponent {
    /// The Markdown text.
    public let markdown: String
    /// A description.
    public init(_ markdown: String) { self.markdown = markdown }
    public func contribute(to parts: inout ExperimentParts) { parts.prose.description = markdown }
}

/// The question the experiment answers (Markdown).
public struct Question: ExperimentComponent {
    /// The Markdown text.
    public let markdown: String
    /// A question.
    public init(_ markdown: String) { self.markdown = markdown }
    public func contribute(to parts: inout ExperimentParts) { parts.prose.question = markdown }
}

/// The expected outcome, written before running (Markdown).
public struct Hypothesis: ExperimentComponent {
    /// The Markdown text.
    public let markdown: String
    /// A hypothesis.
    public init(_ markdown: String) { self.markdown = markdown }
    public func contribute(to parts: inout ExperimentParts) { parts.prose.hypothesis = markdown }
}

/// Notes for the report (Markdown).
public struct Notes: ExperimentComponent {
    /// The Markdown text.
    public let markdown: String
    /// Notes.
    public init(_ markdown: String) { self.markdown = markdown }
    public func contribute(to parts: inout ExperimentParts) { parts.prose.notes = markdown }
}

/// What the results showed, written after reading the report (Markdown).
public struct Conclusion: ExperimentComponent {
    /// The Markdown text.
    public let markdown: String
    /// A conclusion.
    public init(_ markdown: String) { self.markdown = markdown }
    public func contribute(to parts: inout ExperimentParts) { parts.prose.conclusion = markdown }
}
