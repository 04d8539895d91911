import Tokenizers

/// One example as a dataset file states it, before tokenization, with the line it came from.
public struct DataRecord: Sendable, Equatable {
    /// What the example says.
    public enum Content: Sendable, Equatable {
        /// A prompt and its answer (Alpaca after templating, prompt/answer pairs): the QLoRA collator's case.
        case pair(source: String, target: String)
        /// Raw text in pieces, each trained on or not (Guanaco's `### Human:` / `### Assistant:` turns).
        case segments([DataSegment])
        /// A conversation rendered with the model's chat template; the loss goes on every assistant turn.
        case chat([ChatMessage])
        /// A document for pre-training, packed with the others into fixed-length sequences.
        case text(String)
        /// Ids already tokenized; `labels` -100 where there is no loss (nil: loss everywhere).
        case tokens(ids: [Int], labels: [Int]?)
    }

    /// 1-based line of the file.
    public var line: Int
    /// The example.
    public var content: Content

    /// A record read from `line`.
    public init(line: Int, content: Content) {
        self.line = line
        self.content = content
    }

    /// Length used by group-by-length batching: Unicode scalars of source plus target, as QLoRA's
    /// `length` column counts Python characters (not tokens).
    public var characterLength: Int {
        switch content {
        case .pair(let s, let t): s.unicodeScalars.count + t.unicodeScalars.count
        case .segments(let parts): parts.reduce(0) { $0 + $1.text.unicodeScalars.count }
        case .chat(let messages): messages.reduce(0) { $0 + $1.content.unicodeScalars.count }
        case .text(let text): text.unicodeScalars.count
        case .tokens(let ids, _): ids.count
        }
    }
}

/// A piece of raw text and whether the loss covers it.
public struct DataSegment: Sendable, Equatable {
    /// The text.
    public var text: String
    /// Whether its tokens carry labels.
    public var trained: Bool

    /// A piece `text`, trained on when `trained`.
    public init(_ text: String, trained: Bool) {
        self.text = text
        self.trained = trained
    }
}
