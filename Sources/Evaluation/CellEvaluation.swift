import Datasets
import ExperimentSpec
import Foundation
import Models
import Tokenizers
import Tensors

/// The evaluations a cell runs after training, and the held-out set its trainer scores along the way.
public enum CellEvaluation {
    /// The held-out examples `spec` scores and their batches of `batchSize`, each padded to its longest example;
    /// none when `spec` is nil. Conversations scored on other turns than the cell trains on (`spec.turns`) are
    /// encoded once more from `settings`. Throws when `spec` asks for a loss and no example has a scored token,
    /// so that a cell fails before training rather than finish without the metric the experiment asked for.
    public static func heldOutSet(_ spec: HeldOutLoss?, bundle: DataBundle, settings: DataSettings, tokenizer: any Tokenizer,
                                  catalog: DatasetCatalog, batchSize: Int) throws -> (examples: [DataExample], batches: [Batch]) {
        var heldOutBundle = bundle
        if let turns = spec?.turns, turns != settings.assistantTurns {
            var other = settings
            other.assistantTurns = turns
            heldOutBundle = try DataBundle.load(other, tokenizer: tokenizer, catalog: catalog)
        }
        let examples = spec.map { heldOutBundle.heldOutExamples(minTokens: $0.minTokens, maxExamples: $0.maxExamples, seed: settings.splitSeed) } ?? []
        let batches = try heldOutBundle.batches(of: examples, batchSize: batchSize)
        if spec != nil, !examples.contains(where: { $0.trained.dropFirst().contains(true) }) {
            throw PerplexityError.noEvalExamples(dataset: settings.datasets.joined(separator: ", "))
        }
        return (examples, batches)
    }

    /// The perplexity of `spec`'s text on `model` with `adapter`, as `qlab eval --text` measures it.
    public static func perplexity(_ spec: Perplexity, model: LlamaModel, adapter: LoRAAdapter?, tokenizer: any Tokenizer,
                                  modelName: String) throws -> LossTally {
        let tokens = try EvaluationText.tokens(spec.files, tokenizer: tokenizer, maxTokens: spec.maxTokens)
        return try LanguageModelScorer(model: model, adapter: adapter, name: modelName)
            .scoreText(tokens, window: spec.window, bos: tokenizer.addsBOS ? tokenizer.bosID : nil)
    }

    /// Exact-answer results: how many of the asked questions were answered exactly, and every answer.
    public struct ExactResult: Sendable {
        /// The task.
        public var task: String
        /// Questions asked.
        public var asked: Int
        /// Questions answered exactly.
        public var correct: Int
        /// (prompt, expected, answer) per question.
        public var answers: [(prompt: String, expected: String, answer: String)]

        /// The fraction answered exactly.
        public var accuracy: Double { asked > 0 ? Double(correct) / Double(asked) : .nan }

        /// One JSON object a line: prompt, expected, answer, correct.
        public func write(to path: String) throws {
            var text = ""
            for a in answers {
                let object: [String: Any] = ["prompt": a.prompt, "expected": a.expected, "answer": a.answer,
                                             "correct": AnswerMatch.matches(a.answer, a.expected)]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                text += String(decoding: data, as: UTF8.self) + "\n"
            }
            try AtomicFile.write(Array(text.utf8), to: path)
        }
    }

    /// Greedy answers to the held-out questions of kind `task.task` in `task.dataset`, compared with the
    /// reference answers. Questions come from the dataset's prepared eval file, or else from the same seeded
    /// split the training data uses; the prompt is formed as the collator forms a source (BOS + Alpaca prompt).
    public static func exactAnswers(task: ExactAnswers, model: LlamaModel, adapter: LoRAAdapter?, tokenizer: any Tokenizer,
                                    catalog: DatasetCatalog, settings: DataSettings) throws -> ExactResult {
        let source = try catalog.resolve(task.dataset)
        var lines: [String]
        if let eval = source.eval {
            lines = try String(contentsOfFile: eval, encoding: .utf8).split(separator: "\n").map(String.init)
        } else {
            let all = try String(contentsOfFile: source.train, encoding: .utf8).split(separator: "\n").map(String.init)
            let parts = try DataSplit.split(total: all.count, evalSize: settings.evalSize, seed: settings.splitSeed, contentHash: source.hashes[0])
            lines = parts.eval.map { all[$0] }
        }
        // The questions first, then their answers in batches: one pass over the weights serves many questions.
        var questions: [(instruction: String, expected: String, prompt: [Int])] = []
        for line in lines {
            guard questions.count < task.examples else { break }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let instruction = object["instruction"] as? String, let expected = object["output"] as? String else { continue }
            if let kind = object["task"] as? String, kind != task.task.rawValue { continue }
            let prompt = AlpacaTemplate.prompt(instruction: instruction, input: object["input"] as? String ?? "")
            var ids = tokenizer.bosID.map { [$0] } ?? []
            ids += tokenizer.encode(prompt)
            questions.append((instruction, expected, Array(ids.prefix(settings.sourceMaxLength))))
        }
        let generator = Generator(model: model, adapter: adapter)
        let outputs = try generator.generate(questions.map { Generator.Request(prompt: $0.prompt) }, maxNewTokens: task.maxNewTokens)
        var result = ExactResult(task: task.task.rawValue, asked: 0, correct: 0, answers: [])
        for (question, output) in zip(questions, outputs) {
            let text = tokenizer.decode(output.tokens.filter { $0 != tokenizer.eosID })
            result.asked += 1
            if AnswerMatch.matches(text, question.expected) { result.correct += 1 }
            result.answers.append((question.instruction, question.expected, text))
        }
        return result
    }
}

/// Whether a generated answer states the expected one: its first line, without end-of-text markers,
/// compared by the evaluation's answer normalization (numbers by their digits, punctuation and width folded).
public enum AnswerMatch {
    /// True when `answer` matches `expected`.
    public static func matches(_ answer: String, _ expected: String) -> Bool {
        var t = answer
        for marker in ["<|im_end|>", "<|endoftext|>", "</s>"] { t = t.replacingOccurrences(of: marker, with: "") }
        t = t.trimmingCharacters(in: .whitespacesAndNewlines)
        // The first line is the answer; a model may go on after it.
        if let newline = t.firstIndex(of: "\n") { t = String(t[..<newline]) }
        return AnswerNormalizer.matches(t, reference: expected)
    }
}
