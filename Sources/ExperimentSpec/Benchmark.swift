/// A k-shot multiple-choice benchmark scored as MMLU is (`qlab eval --benchmark` measures the same): at
/// `.base` on the frozen base before training (measured once per base and reused by the other cells on it), at
/// `.trained` with the trained adapter, so that a report shows the change. Metrics: `benchmark_NAME` (the micro
/// average), `benchmark_NAME_macro`, `benchmark_NAME_asked`, and the same with `_base` for the base.
public struct Benchmark: Codable, Sendable, Equatable, Hashable, EvaluationComponent {
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

    /// The benchmark at `path`, `shots`-shot, the first `limit` questions of each subject, at each moment of `at`.
    public init(_ path: String, name: String? = nil, shots: Int = 5, limit: Int = 0, at: [Perplexity.Moment] = [.base, .trained]) {
        self.path = path
        self.name = name ?? Self.defaultName(path)
        self.shots = shots
        self.limit = limit
        self.at = at
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
