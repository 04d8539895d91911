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
    }
}
