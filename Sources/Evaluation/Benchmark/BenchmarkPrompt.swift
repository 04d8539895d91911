import ExperimentSpec
import Tokenizers

/// The k-shot prompt as Hendrycks' MMLU reference builds it: a header naming the subject and a blank line,
/// k solved examples each followed by a blank line, then the question, ending with `Answer:`.
public enum BenchmarkPrompt {
    /// `The following are multiple choice questions (with answers) about {subject}.` and a blank line.
    public static func header(subject: String) -> String {
        "The following are multiple choice questions (with answers) about \(subject).\n\n"
    }

    /// The question and its lettered options, then `Answer:`, and the right letter when `solved`.
    public static func block(_ q: BenchmarkQuestion, solved: Bool) -> String {
        var text = q.question
        for (i, choice) in q.choices.enumerated() { text += "\n\(BenchmarkQuestion.letters[i]). \(choice)" }
        text += "\nAnswer:"
        if solved { text += " \(BenchmarkQuestion.letters[q.answer])\n\n" }
        return text
    }

    /// The cloze form of a question: its text and `Answer:` with no options listed, and the right option's
    /// text after a space when `solved`.
    public static func clozeBlock(_ q: BenchmarkQuestion, solved: Bool) -> String {
        q.question + "\nAnswer:" + (solved ? " \(q.choices[q.answer])\n\n" : "")
    }

    /// The prompt for `question` after the solved examples `shots`, in their order, in the form `scoring` reads.
    public static func text(subject: String, shots: some Collection<BenchmarkQuestion>, question: BenchmarkQuestion,
                            scoring: Benchmark.Scoring = .letter) -> String {
        let form = scoring == .letter ? block : clozeBlock
        return header(subject: subject) + shots.map { form($0, true) }.joined() + form(question, false)
    }

    /// A prompt's token ids and how many of the shots it was asked for it keeps.
    public struct Tokens: Sendable, Equatable {
        public var ids: [Int]
        public var shots: Int
        public var dropped: Int
    }

    /// The tokens of the prompt for `question` with the first `k` of `dev` as shots, BOS first when `bos` is
    /// given, dropping shots from the front (the first solved example first) until it fits `context` tokens.
    /// Throws when even the question alone does not fit.
    public static func tokens(subject: String, dev: [BenchmarkQuestion], k: Int, question: BenchmarkQuestion,
                              tokenizer: any Tokenizer, bos: Int?, context: Int, scoring: Benchmark.Scoring = .letter) throws -> Tokens {
        let shots = Array(dev.prefix(k))
        for dropped in 0...shots.count {
            var ids = bos.map { [$0] } ?? []
            ids += tokenizer.encode(text(subject: subject, shots: shots.dropFirst(dropped), question: question, scoring: scoring))
            if ids.count <= context { return Tokens(ids: ids, shots: shots.count - dropped, dropped: dropped) }
        }
        throw BenchmarkError.questionTooLong(path: question.path, line: question.line, context: context)
    }
}
