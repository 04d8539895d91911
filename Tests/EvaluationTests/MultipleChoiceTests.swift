import Evaluation
import Foundation
import Models
import Testing

/// Multiple-choice scoring by option-letter logits, on the tiny reference model.
struct MultipleChoiceTests {
    @Test func predictionsAreTheArgmaxOfTheLetterLogits() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-mc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/mc.jsonl"
        try """
            {"question": "2+2=", "choices": ["3", "4", "5"], "answer": 1}
            {"question": "Which is a color?", "choices": ["red", "seven", "run", "blue"], "answer": "A"}
            {"question": "1+1=", "choices": ["2", "11"], "answer": "a"}

            """.write(toFile: path, atomically: true, encoding: .utf8)
        let questions = try MultipleChoiceEvaluation.read(path: path)
        #expect(questions.map(\.answer) == [1, 0, 0])
        #expect(MultipleChoiceEvaluation.prompt(questions[0]) == "2+2=\nA. 3\nB. 4\nC. 5\nAnswer:")
        let loaded = try ModelLoader.load(.huggingFace(directory: PerplexityTests.tinyModel), quantization: nil)
        let tokenizer = try #require(loaded.tokenizer)
        let result = try MultipleChoiceEvaluation.evaluate(questions, limit: 0, model: loaded.model, adapter: nil, tokenizer: tokenizer)
        #expect(result.asked == 3)
        // Independently: the logits of "A", "B", … (bytes 65…) at the last prompt position.
        for (q, predicted) in zip(questions, result.predictions) {
            let ids = [257] + Array(MultipleChoiceEvaluation.prompt(q).utf8).map(Int.init)
            let logits = try loaded.model.forward(tokens: ids, batch: 1, sequence: ids.count).scalars
            let row = Array(logits[((ids.count - 1) * 259)...])
            let scores = (0..<q.choices.count).map { row[65 + $0] }
            #expect(predicted == scores.firstIndex(of: scores.max()!)!)
        }
        #expect(result.correct == zip(questions, result.predictions).filter { $0.answer == $1 }.count)
        // A malformed line names its file and line.
        try "{\"question\": \"x\", \"choices\": [\"a\"], \"answer\": 0}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try MultipleChoiceEvaluation.read(path: path) } throws: { "\($0)".contains("mc.jsonl:1") }
    }
}
