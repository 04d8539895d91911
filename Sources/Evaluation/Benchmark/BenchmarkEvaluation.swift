import Llama

/// Scores a benchmark as MMLU is scored: each question's k-shot prompt is read once, and an option's score is
/// the logit, at the prompt's last position, of the token its letter begins with after a space (` A`, ` B`, …).
///
/// Where ` A`, ` B`, … are not single tokens, their first token is the letter's; when that first token is the
/// same for every letter (a byte vocabulary reads ` A` as a space, then `A`), it tells no option apart, so
/// their common first tokens are appended to the prompt and the letters are scored at the first token where
/// they differ.
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
    /// of its subject; `progress` gets the questions answered and the total.
    public func evaluate(_ suite: BenchmarkSuite, shots: Int, limit: Int = 0,
                         progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> BenchmarkResult {
        guard shots >= 0 else { throw BenchmarkError.invalidSetting("shots must not be negative (got \(shots))") }
        guard limit >= 0 else { throw BenchmarkError.invalidSetting("the limit must not be negative (got \(limit))") }
        let asked = suite.subjects.map { (subject: $0, questions: limit > 0 ? Array($0.test.prefix(limit)) : $0.test) }
        let total = asked.map(\.questions.count).reduce(0, +)
        let widest = suite.subjects.flatMap { $0.test + $0.dev.prefix(shots) }.map(\.choices.count).max() ?? 4
        let (suffix, letters) = try letterTokens(count: widest)
        let vocab = model.config.vocabSize
        var answers: [BenchmarkResult.Answer] = []
        for (subject, questions) in asked {
            for q in questions {
                let prompt = try BenchmarkPrompt.tokens(subject: q.subject, dev: subject.dev, k: shots, question: q, tokenizer: tokenizer,
                                                        bos: bos, context: model.ropePositions - suffix.count)
                let ids = prompt.ids + suffix
                // Only the last position's logits are read: the output layer runs on that row alone (a 262,144-word
                // vocabulary over every position of a 5-shot prompt cost more than the rest of the model).
                let logits = try model.forward(tokens: ids, batch: 1, sequence: ids.count, adapter: adapter, lastPositionOnly: true).scalars
                guard logits.count == vocab else { throw ForwardError(message: "expected \(vocab) logits of the last position, got \(logits.count)") }
                let scores = (0..<q.choices.count).map { Double(logits[letters[$0]]) }
                var best = 0
                for i in scores.indices where scores[i] > scores[best] { best = i }
                answers.append(.init(subject: q.subject, index: q.index, predicted: best, gold: q.answer, scores: scores,
                                     shots: prompt.shots, droppedShots: prompt.dropped, promptTokens: ids.count))
                progress(answers.count, total)
            }
        }
        return BenchmarkResult(answers: answers, shots: shots)
    }
}
