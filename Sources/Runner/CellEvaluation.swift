import ExperimentSpec
import Foundation
import Llama
import Tensors
import Training

/// The evaluations a cell runs after training.
public enum CellEvaluation {
    /// The held-out examples (the first `limit`, or all when 0) collated into batches of `batchSize`.
    public static func heldOutBatches(bundle: DataBundle, limit: Int, batchSize: Int) throws -> [Batch] {
        let examples = limit > 0 ? Array(bundle.eval.prefix(limit)) : bundle.eval
        var batches: [Batch] = []
        var start = 0
        while start < examples.count {
            let end = min(examples.count, start + batchSize)
            batches.append(try bundle.collator.batch(Array(examples[start..<end])))
            start = end
        }
        return batches
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

    /// Greedy answers to the held-out questions of a task dataset, compared with the reference answers.
    public static func exactAnswers(task: ExactAnswers, model: LlamaModel, adapter: LoRAAdapter?, tokenizer: any Tokenizer,
                                    catalog: DatasetCatalog, settings: DataSettings) throws -> ExactResult {
        let source = try catalog.resolve(task.task.rawValue)
        // Held-out questions: the prepared eval file, or the same seeded split the training data used.
        let questions: [DataRecord]
        if let eval = source.eval {
            questions = try DatasetFile.read(path: eval, format: .auto).records
        } else {
            let file = try DatasetFile.read(path: source.train, format: .auto)
            let parts = try DataSplit.split(total: file.records.count, evalSize: settings.evalSize, seed: settings.seed,
                                            contentHash: source.hashes[0])
            questions = parts.eval.map { file.records[$0] }
        }
        let generator = Generator(model: model, adapter: adapter)
        var result = ExactResult(task: task.task.rawValue, asked: 0, correct: 0, answers: [])
        for record in questions {
            guard result.asked < task.examples else { break }
            guard case .pair(let prompt, let expected) = record.content else { continue }
            var ids = tokenizer.bosID.map { [$0] } ?? []
            ids += tokenizer.encode(prompt)
            ids = Array(ids.prefix(settings.sourceMaxLength))
            let produced = try generator.generate(prompt: ids, maxNewTokens: task.maxNewTokens).tokens
            let text = tokenizer.decode(produced.filter { $0 != tokenizer.eosID })
            result.asked += 1
            if AnswerMatch.matches(text, expected) { result.correct += 1 }
            result.answers.append((prompt, expected, text))
        }
        return result
    }
}

/// Whether a generated answer states the expected one: equal after trimming whitespace and a trailing
/// end-of-text marker, numbers compared as numbers.
public enum AnswerMatch {
    /// True when `answer` matches `expected`.
    public static func matches(_ answer: String, _ expected: String) -> Bool {
        let a = normalize(answer), e = normalize(expected)
        if a == e { return true }
        if let x = Double(a), let y = Double(e) { return x == y }
        return false
    }

    static func normalize(_ text: String) -> String {
        var t = text
        for marker in ["<|im_end|>", "<|endoftext|>", "</s>"] { t = t.replacingOccurrences(of: marker, with: "") }
        t = t.trimmingCharacters(in: .whitespacesAndNewlines)
        // The first line is the answer; a model may go on after it.
        if let newline = t.firstIndex(of: "\n") { t = String(t[..<newline]) }
        return t.trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: ".。")))
    }
}
