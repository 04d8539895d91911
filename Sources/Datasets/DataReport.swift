/// What reading and tokenizing one dataset file found: the counts a run records beside its metrics.
public struct DataReport: Sendable, Equatable, Codable {
    /// The file.
    public var path: String
    /// The format it was read as.
    public var format: String
    /// Non-blank lines.
    public var lines: Int = 0
    /// Records kept.
    public var records: Int = 0
    /// Malformed lines skipped (only with skip-bad-lines; otherwise the first one is an error).
    public var skippedBadLines: Int = 0
    /// The first few skipped lines, as `line: reason`, so a person can look.
    public var badLineSamples: [String] = []
    /// Records dropped because every answer in them was empty.
    public var emptyAnswers: Int = 0
    /// Lines whose bytes were not valid UTF-8 (decoded with U+FFFD in place of the bad bytes).
    public var invalidUTF8Lines: Int = 0
    /// Examples whose source (prompt) was cut at the source limit.
    public var truncatedSources: Int = 0
    /// Examples whose target (answer) was cut at the target limit (losing its EOS).
    public var truncatedTargets: Int = 0
    /// Multi-turn, segmented or pre-tokenized examples cut at the total limit.
    public var truncatedExamples: Int = 0
    /// Tokens of packed text left over after the last full sequence.
    public var droppedPackedTokens: Int = 0
    /// Examples held out for evaluation.
    public var evalExamples: Int = 0
    /// Examples left for training.
    public var trainExamples: Int = 0

    /// An empty report for `path` read as `format`.
    public init(path: String, format: String) {
        self.path = path
        self.format = format
    }

    /// Records one skipped line, keeping the first ten reasons.
    mutating func skip(line: Int, reason: String) {
        skippedBadLines += 1
        if badLineSamples.count < 10 { badLineSamples.append("\(line): \(reason)") }
    }
}
