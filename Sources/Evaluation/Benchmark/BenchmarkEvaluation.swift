import ExperimentSpec
import Foundation
import Models
import Tokenizers

/// Scores a benchmark as MMLU is scored: each question's k-shot prompt is read once, and an option's score is
/// the logit, at the prompt's last position, of the token its letter begins with after a space (` A`, ` B`, …).
///
/// Where ` A`, ` B`, … are not single tokens, their first token is the letter's; when that first token is the
/// same for every letter (a byte vocabulary reads ` A` as a space, then `A`), it tells no option apart, so
/// their common first tokens are appended to the prompt and the letters are scored at the first token where
/// they differ.
///
/// With `.cloze` scoring the options are not listed: an option's score is the log-probability the model gives its
/// text (a space, then the option, encoded on its own) after the prompt, divided by that text's UTF-8 bytes. The
/// prompt is read once into a key-value cache and each option continues from it.
public struct BenchmarkEvaluation: Sendable {
    public var model: LlamaModel
    public var adapter: LoRAAdapter?
    public var tokenizer: any Tokenizer
    /// The id the prompt begins with (the tokenizer's BOS where it adds one), or nil.
    public var bos: Int?

    public init(model: LlamaModel, adapter: LoRAAdapter?, tokenizer: any Tokenizer, bos: Int?) {
        self.model = model
        self.adapter = adapter
        self.tokenizer = tokenizer
        self.bos = bos
    }

    /// The tokens appended to every prompt, and the token scored for each of the first `count` letters.
    public func letterTokens(count: Int) throws -> (suffix: [Int], letters: [Int]) {
        let spelled = BenchmarkQuestion.letters.prefix(count).map { tokenizer.encode(" " + $0) }
        guard spelled.allSatisfy({ !$0.isEmpty }) else { throw BenchmarkError.invalidSetting("the tokenizer encodes an option letter as nothing") }
        var common = 0
        while spelled.allSatisfy({ $0.count > common && $0[common] == spelled[0][common] }) { common += 1 }
        guard count > 1 || common == 0 else { return ([], [spelled[0][0]]) }
        guard spelled.allSatisfy({ $0.count > common }) else {
            throw BenchmarkError.invalidSetting("the tokenizer spells one option letter as the beginning of another")
        }
        return (Array(spelled[0].prefix(common)), spelled.map { $0[common] })
    }

    /// Every question of `suite` (the first `limit` of each subject; 0: all) after the first `shots` dev examples
    /// of its subject, scored as `scoring` says; `progress` gets the questions answered and the total.
    public func evaluate(_ suite: BenchmarkSuite, shots: Int, limit: Int = 0, scoring: Benchmark.Scoring = .letter,
                         progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> BenchmarkResult {
        guard shots >= 0 else { throw BenchmarkError.invalidSetting("shots must not be negative (got \(shots))") }
        guard limit >= 0 else { throw BenchmarkError.invalidSetting("the limit must not be negative (got \(limit))") }
        let asked = suite.subjects.map { (subject: $0, questions: limit > 0 ? Array($0.test.prefix(limit)) : $0.test) }
        let total = asked.map(\.questions.count).reduce(0, +)
        let widest = suite.subjects.flatMap { $0.test + $0.dev.prefix(shots) }.map(\.choices.count).max() ?? 4
        let letters: (suffix: [Int], letters: [Int]) = scoring == .letter ? try letterTokens(count: widest) : ([], [])
        var answers: [BenchmarkResult.Answer] = []
        for (subject, questions) in asked {
            for q in questions {
                let (scores, prompt, tokens): ([Double], BenchmarkPrompt.Tokens, Int)
                switch scoring {
                case .letter: (scores, prompt, tokens) = try letterScores(q, dev: subject.dev, shots: shots, suffix: letters.suffix, letters: letters.letters)
                case .cloze: (scores, prompt, tokens) = try clozeScores(q, dev: subject.dev, shots: shots)
                }
                var best = 0
                for i in scores.indices where scores[i] > scores[best] { best = i }
                answers.append(.init(subject: q.subject, index: q.index, predicted: best, gold: q.answer, scores: scores,
                                     shots: prompt.shots, droppedShots: prompt.dropped, promptTokens: tokens))
                progress(answers.count, total)
            }
        }
        return BenchmarkResult(answers: answers, shots: shots, scoring: scoring)
    }

    /// The letters' logits at the end of the lettered prompt (with `suffix` appended), and the prompt's length.
    func letterScores(_ q: BenchmarkQuestion, dev: [BenchmarkQuestion], shots: Int, suffix: [Int], letters: [Int])
        throws -> ([Double], BenchmarkPrompt.Tokens, Int) {
        let prompt = try BenchmarkPrompt.tokens(subject: q.subject, dev: dev, k: shots, question: q, tokenizer: tokenizer,
                                                bos: bos, context: model.ropePositions - suffix.count)
        let ids = prompt.ids + suffix
        // Only the last position's logits are read: the output layer runs on that row alone (a 262,144-word
        // vocabulary over every position of a 5-shot prompt cost more than the rest of the model).
        let logits = try model.forward(tokens: ids, batch: 1, sequence: ids.count, adapter: adapter, lastPositionOnly: true).scalars
        let vocab = model.config.vocabSize
        guard logits.count == vocab else { throw ForwardError(message: "expected \(vocab) logits of the last position, got \(logits.count)") }
        return ((0..<q.choices.count).map { Double(logits[letters[$0]]) }, prompt, ids.count)
    }

    /// Each option's log-probability per UTF-8 byte after the cloze prompt, and the prompt's length.
    func clozeScores(_ q: BenchmarkQuestion, dev: [BenchmarkQuestion], shots: Int) throws -> ([Double], BenchmarkPrompt.Tokens, Int) {
        let options = q.choices.map { " " + $0 }
        let spelled = options.map { tokenizer.encode($0) }
        if let empty = spelled.firstIndex(where: \.isEmpty) {
            throw BenchmarkError.invalidSetting("\(q.path):\(q.line): option \(BenchmarkQuestion.letters[empty]) encodes as no tokens")
        }
        let longest = spelled.map(\.count).max() ?? 0
        let prompt = try BenchmarkPrompt.tokens(subject: q.subject, dev: dev, k: shots, question: q, tokenizer: tokenizer,
                                                bos: bos, context: model.ropePositions - longest, scoring: .cloze)
        let cache = KVCache(config: model.config, batch: 1, capacity: prompt.ids.count + longest)
        let next = try model.forward(tokens: prompt.ids, batch: 1, sequence: prompt.ids.count, adapter: adapter, cache: cache,
                                     lastPositionOnly: true).scalars
        let afterPrompt = Self.logSoftmax(next[...])
        var scores: [Double] = []
        for (text, ids) in zip(options, spelled) {
            var total = afterPrompt[ids[0]]
            if ids.count > 1 {
                cache.truncate(to: prompt.ids.count)
                let rows = try model.forward(tokens: Array(ids.dropLast()), batch: 1, sequence: ids.count - 1, adapter: adapter,
                                             cache: cache).scalars
                let vocab = model.config.vocabSize
                for j in 1..<ids.count { total += Self.logSoftmax(rows[(j - 1) * vocab..<j * vocab])[ids[j]] }
            }
            scores.append(total / Double(text.utf8.count))
        }
        return (scores, prompt, prompt.ids.count + longest)
    }

    /// log softmax of one row of logits, in float64.
    static func logSoftmax(_ row: ArraySlice<Float>) -> [Double] {
        let top = Double(row.max() ?? 0)
        let sum = row.reduce(0.0) { $0 + Foundation.exp(Double($1) - top) }
        let shift = top + Foundation.log(sum)
        return row.map { Double($0) - shift }
    }
}
