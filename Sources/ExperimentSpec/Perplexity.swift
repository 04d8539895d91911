/// Perplexity of the model on text files, measured as `qlab eval --text` measures it: the files joined with
/// "\n" in order, tokenized without BOS, the first `maxTokens` tokens, windows of `window` tokens each scored
/// against the next token. At `.base` it measures the frozen base before any training (the zero-shot
/// perplexity of the paper's Table 2), at `.trained` the model with the trained adapter.
public struct Perplexity: Codable, Sendable, Equatable, Hashable, EvaluationComponent {
    /// When the text is scored.
    public enum Moment: String, Codable, Sendable, CaseIterable {
        /// Before training: the base model alone (step 0).
        case base
        /// After training: the base with the trained adapter (or the trained weights).
        case trained
    }

    /// A short name for the metrics (`perplexity_NAME`, `perplexity_NAME_base`, and their `_tokens`).
    public var name: String
    /// The text files, in the order they are joined (a cell reads them, so they count towards its id).
    public var files: [String]
    /// Input tokens per window.
    public var window: Int
    /// Tokens kept from the start of the text (0: all).
    public var maxTokens: Int
    /// When to measure.
    public var at: [Moment]

    /// The perplexity of `files` as `name`, in windows of `window` over the first `maxTokens` tokens, at each moment of `at`.
    public init(text files: [String], name: String, window: Int = 256, maxTokens: Int = 8192, at: [Moment] = [.base, .trained]) {
        self.name = name
        self.files = files
        self.window = window
        self.maxTokens = maxTokens
        self.at = at
    }

    /// The Debian fortune files the paper's Table 2 comparison is measured on here, in their joining order.
    public static let fortunesFiles = ["literature", "wisdom", "science", "people", "work"].map { "/usr/share/games/fortunes/" + $0 }

    /// Zero-shot and fine-tuned perplexity on the fortune files: first 8,192 tokens, window 256.
    public static func fortunes(at: [Moment] = [.base, .trained]) -> Perplexity {
        Perplexity(text: fortunesFiles, name: "fortunes", window: 256, maxTokens: 8192, at: at)
    }

    /// The name of the metric measured at `moment`.
    public func metric(at moment: Moment) -> String {
        moment == .base ? "perplexity_\(name)_base" : "perplexity_\(name)"
    }

    public func add(to settings: inout EvaluationSettings) { settings.perplexity.append(self) }
}
