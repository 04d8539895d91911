import Datasets
import ExperimentSpec
import Foundation
import Support
import Models
import Tokenizers
import Tensors

/// Multiple-choice accuracy by option-letter logits (the QLoRA paper's MMLU protocol, zero-shot).
///
/// The prompt is `question`, then one line per option (`A. text`), then `Answer:`; the prediction is the
/// letter whose token (the last token of " A", " B", …) has the highest logit at the prompt's last position.
public enum MultipleChoiceEvaluation {
    /// One question.
    public struct Question: Sendable, Equatable {
        public var question: String
        public var choices: [String]
        /// Index of the right option.
        public var answer: Int
    }

    /// The result: accuracy and the prediction per question.
    public struct Result: Sendable {
        public var asked: Int
        public var correct: Int
        public var predictions: [Int]
        public var accuracy: Double { asked > 0 ? Double(correct) / Double(asked) : .nan }
    }

    static let letters = Array("ABCDEFGHIJ").map(String.init)

    /// Reads `{"question", "choices", "answer"}` lines; `answer` is an index or a letter. Errors name file:line.
    public static func read(path: String) throws -> [Question] {
        let text: String
        do { try RegularFile.check(path) } catch { throw DataError.unreadable(path: path, reason: error.message) }
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw DataError.unreadable(path: path, reason: "\(error)")
        }
        var result: [Question] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let question = object["question"] as? String, let choices = object["choices"] as? [String],
                  (2...letters.count).contains(choices.count) else {
                throw DataError.malformedLine(path: path, line: n + 1, reason: "expected {\"question\", \"choices\": [2 to \(letters.count) strings], \"answer\"}")
            }
            var answer: Int?
            if let i = object["answer"] as? Int { answer = i }
            if let s = object["answer"] as? String { answer = letters.firstIndex(of: s.trimmingCharacters(in: .whitespaces).uppercased()) }
            guard let a = answer, choices.indices.contains(a) else {
                throw DataError.malformedLine(path: path, line: n + 1, reason: "\"answer\" must be an option index or letter")
            }
            result.append(Question(question: question, choices: choices, answer: a))
        }
        return result
    }

    /// The prompt the model reads for `q`.
    public static func prompt(_ q: Question) -> String {
        var text = q.question + "\n"
        for (i, c) in q.choices.enumerated() { text += "\(letters[i]). \(c)\n" }
        return text + "Answer:"
    }

    /// Scores `questions` (the first `limit`, or all when 0) on `model` with optional `adapter`.
    public static func evaluate(_ questions: [Question], limit: Int, model: LlamaModel, adapter: LoRAAdapter?,
                                tokenizer: any Tokenizer) throws -> Result {
        let asked = limit > 0 ? Array(questions.prefix(limit)) : questions
        let letterTokens = letters.map { tokenizer.encode(" " + $0).last ?? 0 }
        var result = Result(asked: 0, correct: 0, predictions: [])
        let vocab = model.config.vocabSize
        for q in asked {
            var ids = tokenizer.bosID.map { [$0] } ?? []
            ids += tokenizer.encode(prompt(q))
            ids = Array(ids.suffix(model.ropePositions))
            let logits = try model.forward(tokens: ids, batch: 1, sequence: ids.count, adapter: adapter, lastPositionOnly: true).scalars
            guard logits.count == vocab else { throw ForwardError(message: "expected \(vocab) logits of the last position, got \(logits.count)") }
            var best = 0
            for i in 1..<q.choices.count where logits[letterTokens[i]] > logits[letterTokens[best]] { best = i }
            result.predictions.append(best)
            result.asked += 1
            if best == q.answer { result.correct += 1 }
        }
        return result
    }
}
