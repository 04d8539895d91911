import Foundation
import Models

/// The negative log-likelihood a model (optionally with LoRA adapters) assigns to token sequences: the
/// perplexity of text, and the held-out loss of labelled examples.
public struct LanguageModelScorer: Sendable {
    /// The model.
    public let model: LlamaModel
    /// Adapters added to its frozen projections, if any.
    public let adapter: LoRAAdapter?
    /// How errors name the model (its path).
    public let name: String

    /// A scorer of `model` with `adapter`, called `name` in errors.
    public init(model: LlamaModel, adapter: LoRAAdapter? = nil, name: String) {
        self.model = model
        self.adapter = adapter
        self.name = name
    }

    /// Scores `tokens` window by window as `TextWindows` describes; `progress` gets the tokens scored so far and the total.
    /// With `bos`, each window is read after that token (`TextWindows(tokenCount:window:leadingBOS:)`): every token
    /// is scored, the first of each window predicted from BOS alone.
    public func scoreText(_ tokens: [Int], window: Int, bos: Int? = nil,
                          progress: (_ scored: Int, _ total: Int) -> Void = { _, _ in }) throws -> LossTally {
        guard window >= (bos == nil ? 1 : 2) else {
            throw PerplexityError.invalidSetting("the window must hold at least \(bos == nil ? 1 : 2) tokens (got \(window))")
        }
        guard window <= model.ropePositions else {
            throw PerplexityError.windowTooLong(window: window, context: model.ropePositions, model: name)
        }
        let windows = TextWindows(tokenCount: tokens.count, window: window, leadingBOS: bos != nil)
        var tally = LossTally()
        for w in windows.windows {
            let start = w.inputs.lowerBound
            if let bos {
                tally += try score([bos] + tokens[w.inputs]) { i in i < w.scored ? tokens[start + i] : nil }
            } else {
                tally += try score(Array(tokens[w.inputs])) { i in i < w.scored ? tokens[start + i + 1] : nil }
            }
            progress(tally.tokens, windows.scoredTokens)
        }
        return tally
    }

    /// Scores labelled sequences: position t is scored against `labels[t + 1]` unless that is -100 (the
    /// collator's convention, shifted as causal language modelling shifts). Sequences longer than the model's
    /// context are an error.
    public func scoreLabelled(_ sequences: [(ids: [Int], labels: [Int])],
                              progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> LossTally {
        var tally = LossTally()
        for (index, s) in sequences.enumerated() {
            guard s.ids.count == s.labels.count else {
                throw PerplexityError.invalidSetting("sequence \(index) has \(s.ids.count) ids but \(s.labels.count) labels")
            }
            guard s.ids.count <= model.ropePositions else {
                throw PerplexityError.windowTooLong(window: s.ids.count, context: model.ropePositions, model: name)
            }
            if s.labels.dropFirst().contains(where: { $0 != -100 }) {
                tally += try score(s.ids) { t in t + 1 < s.labels.count && s.labels[t + 1] != -100 ? s.labels[t + 1] : nil }
            }
            progress(index + 1, sequences.count)
        }
        return tally
    }

    /// One forward pass over `inputs`; `target(t)` is the token position t must predict, or nil.
    private func score(_ inputs: [Int], target: (Int) -> Int?) throws -> LossTally {
        let vocab = model.config.vocabSize
        let logits = try model.forward(tokens: inputs, batch: 1, sequence: inputs.count, adapter: adapter)
        let targets = (0..<inputs.count).compactMap { t in target(t).map { (t, $0) } }
        if let bad = targets.first(where: { $0.1 < 0 || $0.1 >= vocab }) {
            throw PerplexityError.invalidSetting("label \(bad.1) is outside the vocabulary of \(name) (0..<\(vocab))")
        }
        var tally = LossTally()
        logits.scalars.withUnsafeBufferPointer { l in
            for (t, next) in targets {
                tally.lossSum += Self.negativeLogLikelihood(l.baseAddress! + t * vocab, vocab: vocab, target: next)
                tally.tokens += 1
            }
        }
        return tally
    }

    /// −log softmax(row)[target], in Double: log Σ exp(z − max) − (z_target − max).
    static func negativeLogLikelihood(_ row: UnsafePointer<Float>, vocab: Int, target: Int) -> Double {
        var maximum = -Float.infinity
        for j in 0..<vocab { maximum = max(maximum, row[j]) }
        let m = Double(maximum)
        var sum = 0.0
        for j in 0..<vocab { sum += exp(Double(row[j]) - m) }
        return log(sum) - (Double(row[target]) - m)
    }
}
