/// How a token sequence is cut into the windows a language model reads when its perplexity is measured.
///
/// Windows of `window` input tokens start at every `window`-th token. Each window predicts the token after each
/// of its positions, so its last position is scored against the next window's first token; the final partial
/// window counts too. `n` tokens therefore give `n − 1` scored tokens, each scored exactly once, with at most
/// `window` tokens of context.
public struct TextWindows: Sendable, Equatable {
    /// One window: the input tokens `inputs` and how many of its positions have a next token to predict.
    public struct Window: Sendable, Equatable {
        /// Indices of the input tokens in the whole sequence.
        public var inputs: Range<Int>
        /// Positions scored, from the first (every position but, in the last window, the sequence's last token).
        public var scored: Int
    }

    /// The windows in order; a final window holding only the sequence's last token is left out (it predicts nothing).
    public let windows: [Window]
    /// Tokens scored over all windows.
    public let scoredTokens: Int
    /// Whether each window is read after a BOS token (see `init(tokenCount:window:leadingBOS:)`).
    public let leadingBOS: Bool

    /// The windows of a sequence of `tokenCount` tokens read after BOS, for models whose sequences begin with it:
    /// each window is BOS and the next `window − 1` tokens (`window` inputs in all, at least 2), BOS predicts the
    /// window's first token and each position the next token of the same window, so all `tokenCount` tokens are
    /// scored, each once.
    public init(tokenCount: Int, window: Int, leadingBOS: Bool) {
        guard leadingBOS else {
            self = TextWindows(tokenCount: tokenCount, window: window)
            return
        }
        precondition(window >= 2, "a window after BOS holds at least one token of the text")
        var windows: [Window] = []
        var start = 0
        while start < tokenCount {
            let end = min(start + window - 1, tokenCount)
            windows.append(Window(inputs: start..<end, scored: end - start))
            start = end
        }
        self.windows = windows
        scoredTokens = tokenCount
        self.leadingBOS = true
    }

    /// The windows of a sequence of `tokenCount` tokens; `window` must be at least 1.
    public init(tokenCount: Int, window: Int) {
        precondition(window >= 1, "a window holds at least one token")
        var windows: [Window] = []
        var start = 0
        while start < tokenCount - 1 {
            let end = min(start + window, tokenCount)
            windows.append(Window(inputs: start..<end, scored: min(end, tokenCount - 1) - start))
            start = end
        }
        self.windows = windows
        scoredTokens = windows.reduce(0) { $0 + $1.scored }
        leadingBOS = false
    }

    /// The indices of the tokens the windows score.
    public var scoredIndices: [Int] {
        windows.flatMap { w in (w.inputs.lowerBound + (leadingBOS ? 0 : 1)) ..< (w.inputs.lowerBound + (leadingBOS ? 0 : 1) + w.scored) }
    }
}
