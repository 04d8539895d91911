import Foundation

/// Summed negative log-likelihood (nats) over scored tokens: the mean loss and perplexity follow from it.
public struct LossTally: Sendable, Equatable, Codable {
    /// Σ −log p(token), accumulated in Double so that thousands of terms lose nothing to rounding.
    public var lossSum: Double
    /// Tokens scored.
    public var tokens: Int

    /// A tally of `tokens` tokens whose losses sum to `lossSum`.
    public init(lossSum: Double = 0, tokens: Int = 0) {
        self.lossSum = lossSum
        self.tokens = tokens
    }

    /// Mean loss per scored token in nats (NaN when nothing was scored).
    public var meanLoss: Double { tokens > 0 ? lossSum / Double(tokens) : .nan }
    /// exp(mean loss).
    public var perplexity: Double { exp(meanLoss) }

    /// Bits per UTF-8 byte of the scored text (`bytes` long): Σ nats / ln 2 / bytes. Unlike perplexity it does not
    /// depend on the tokenizer, so models with different vocabularies compare on it.
    public func bitsPerByte(bytes: Int) -> Double { bytes > 0 ? lossSum / log(2.0) / Double(bytes) : .nan }

    /// Adds another tally's tokens.
    public static func += (a: inout LossTally, b: LossTally) {
        a.lossSum += b.lossSum
        a.tokens += b.tokens
    }
}
