/// A k-shot multiple-choice benchmark scored as MMLU is (`qlab eval --benchmark` measures the same): at
/// `.base` on the frozen base before training (measured once per base and reused by the other cells on it), at
/// `.trained` with the trained adapter, so that a report shows the change. Metrics: `benchmark_NAME` (the micro
/// average), `benchmark_NAME_macro`, `benchmark_NAME_asked`, and the same with `_base` for the base.
public struct Benchmark: Codable, Sendable, Equatable, Hashable, EvaluationComponent {
    /// How an option is scored.
    public enum Scoring: String, Codable, Sendable, CaseIterable {
        /// MMLU's way: the options are listed under the question with letters, and an option's score is the
        /// next-token logit of its letter after `Answer:`.
        case letter
        /// The cloze form small models are measured with: the options are not listed, and an option's score is the
        /// log-probability of its text after `Answer:`, per UTF-8 byte of that text (so that long and short options
        /// compete evenly).
        case cloze
    }

    /// A prepared benchmark's name (`wordnet-en`, `poems-zh`), a folder in MMLU's layout, or one file of questions.
    public var path: String
    /// A short name for the metrics.
    public var name: String
    /// Solved dev examples before each question.
    public var shots: Int
    /// Questions asked per subject (0: all).
    public var limit: Int
    /// When to measure.
    public var at: [Perplexity.Moment]
    /// How options are scored (`.letter`, MMLU's, by default).
    public var scoring: Scoring

    /// The benchmark at `path`, `shots`-shot, the first `limit` questions of each subject, at each moment of `at`.
    public init(_ path: String, name: String? = nil, shots: Int = 5, limit: Int = 0, at: [Perplexity.Moment] = [.base, .trained],
                scoring: Scoring = .letter) {
        self.path = path
        self.scoring = scoring
        self.name = name ?? Self.defaultName(path)
        self.shots = shots
        self.limit = limit
        self.at = at
    }

    private enum CodingKeys: String, CodingKey { case path, name, shots, limit, at, scoring }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(String.self, forKey: .path)
        name = try c.decode(String.self, forKey: .name)
        shots = try c.decode(Int.self, forKey: .shots)
        limit = try c.decode(Int.self, forKey: .limit)
        at = try c.decode([Perplexity.Moment].self, forKey: .at)
        scoring = try c.decodeIfPresent(Scoring.self, forKey: .scoring) ?? .letter
    }

    /// Writes `scoring` only when it is not `.letter`, so that a benchmark declared before it existed keeps its
    /// canonical JSON and its cells their ids.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(name, forKey: .name)
        try c.encode(shots, forKey: .shots)
        try c.encode(limit, forKey: .limit)
        try c.encode(at, forKey: .at)
        if scoring != .letter { try c.encode(scoring, forKey: .scoring) }
    }

    /// The last path component without extension, `-` as `_` (`data/wordnet-en` → `wordnet_en`).
    static func defaultName(_ path: String) -> String {
        var last = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = last.lastIndex(of: "."), dot != last.startIndex { last = String(last[..<dot]) }
        return last.replacingOccurrences(of: "-", with: "_")
    }

    /// The name of the accuracy metric measured at `moment` (the micro average); `_macro` and `_asked` follow it.
    public func metric(at moment: Perplexity.Moment) -> String {
        moment == .base ? "benchmark_\(name)_base" : "benchmark_\(name)"
    }

    public func add(to settings: inout EvaluationSettings) { settings.benchmarks.append(self) }
}
