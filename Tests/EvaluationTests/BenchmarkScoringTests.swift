import Foundation
import Testing
@testable import Evaluation
@testable import Models
@testable import Tokenizers

/// Benchmark scores against a float64 forward pass of the tiny model, and SmolLM2's answers against transformers'.
struct BenchmarkScoringTests {
    static let mini = FixturePaths.packageRoot.appendingPathComponent("Tests/Fixtures/benchmark/mini").path
    static let smolClozeReference = FixturePaths.packageRoot.appendingPathComponent("Tests/Fixtures/benchmark/smollm2-cloze-reference.json").path
    static let smolReference = FixturePaths.packageRoot.appendingPathComponent("Tests/Fixtures/benchmark/smollm2-reference.json").path

    /// SmolLM2 from its GGUF file, dequantized to float32 as transformers loads it, with its tokenizer and BOS rule.
    static func smolLM2Evaluation() throws -> (BenchmarkEvaluation, any Tokenizer) {
        let location = ModelLocation.gguf(path: PerplexityTests.smolLM2)
        let loaded = try ModelLoader.load(location, quantization: nil)
        let tokenizer = try #require(loaded.tokenizer)
        return (BenchmarkEvaluation(model: loaded.model, adapter: nil, tokenizer: tokenizer,
                                    bos: BenchmarkBOS.id(for: location, tokenizer: tokenizer)), tokenizer)
    }

    static func q(_ subject: String, _ index: Int, _ question: String, _ answer: Int) -> BenchmarkQuestion {
        BenchmarkQuestion(subject: subject, index: index, question: question, choices: ["one", "two", "three", "four"], answer: answer,
                          path: "mem.csv", line: index + 1)
    }

    @Test func scoresAreTheLetterLogitsOfAFloat64ForwardPass() throws {
        let checkpoint = try HuggingFaceCheckpoint(directory: PerplexityTests.tinyModel)
        var tensors: [String: [Float]] = [:]
        for name in checkpoint.tensorNames { tensors[name] = try checkpoint.tensor(name)!.scalars }
        let model = try checkpoint.model { _, w in FrozenLinear(dense: w) }
        let reference = ReferenceForward(config: checkpoint.config, tensors: tensors)
        let tokenizer = try ByteTokenizer()
        let bos = BenchmarkBOS.id(for: .huggingFace(directory: PerplexityTests.tinyModel), tokenizer: tokenizer)
        #expect(bos == 257, "a directory without tokenizer files follows LLaMA's convention")
        let dev = (0..<3).map { Self.q("sums", $0, "Shot \($0)?", $0 % 4) }
        let subject = BenchmarkSuite.Subject(name: "sums", dev: dev, test: [Self.q("sums", 0, "Two plus two?", 3), Self.q("sums", 1, "Ten?", 1)],
                                             testPath: "mem.csv")
        let suite = BenchmarkSuite(subjects: [subject], path: "mem")
        let evaluation = BenchmarkEvaluation(model: model, adapter: nil, tokenizer: tokenizer, bos: bos)
        // A byte vocabulary spells " A" as a space and "A": the space is appended, the letters' bytes are scored.
        let letters = try evaluation.letterTokens(count: 4)
        #expect(letters.suffix == [32] && letters.letters == [65, 66, 67, 68])
        var reported: [Int] = []
        let result = try evaluation.evaluate(suite, shots: 2, progress: { done, total in reported.append(done); #expect(total == 2) })
        #expect(reported == [1, 2])
        for (question, answer) in zip(subject.test, result.answers) {
            let text = BenchmarkPrompt.text(subject: "sums", shots: dev.prefix(2), question: question)
            let ids = [257] + Array(text.utf8).map(Int.init) + [32]
            #expect(answer.promptTokens == ids.count && answer.shots == 2 && answer.droppedShots == 0)
            let logits = reference.logits(tokens: ids).last!
            let expected = [65, 66, 67, 68].map { logits[$0] }
            let scale = logits.map(abs).max()!
            for (got, want) in zip(answer.scores, expected) { #expect(abs(got - want) <= 1e-5 * scale, "\(got) vs \(want)") }
            #expect(answer.predicted == expected.indices.max { expected[$0] < expected[$1] }!)
            #expect(answer.gold == question.answer && answer.index == question.index)
        }
    }

    @Test func clozeScoresAreOptionLogProbabilitiesPerByteOfAFloat64ForwardPass() throws {
        let checkpoint = try HuggingFaceCheckpoint(directory: PerplexityTests.tinyModel)
        var tensors: [String: [Float]] = [:]
        for name in checkpoint.tensorNames { tensors[name] = try checkpoint.tensor(name)!.scalars }
        let model = try checkpoint.model { _, w in FrozenLinear(dense: w) }
        let reference = ReferenceForward(config: checkpoint.config, tensors: tensors)
        let tokenizer = try ByteTokenizer()
        // Options of different lengths (one byte to several), so that the per-byte division and every position of
        // a continuation are exercised.
        func question(_ index: Int, _ text: String, _ choices: [String], _ answer: Int) -> BenchmarkQuestion {
            BenchmarkQuestion(subject: "words", index: index, question: text, choices: choices, answer: answer, path: "mem.csv", line: index + 2)
        }
        let dev = [question(0, "Opposite of up?", ["down", "x", "sideways", "no"], 0)]
        let test = [question(0, "Opposite of hot?", ["cold", "warmish", "a", "tepid"], 0),
                    question(1, "Plural of cat?", ["cats", "caat", "c", "kittens"], 0)]
        let suite = BenchmarkSuite(subjects: [.init(name: "words", dev: dev, test: test, testPath: "mem.csv")], path: "mem")
        let evaluation = BenchmarkEvaluation(model: model, adapter: nil, tokenizer: tokenizer, bos: 257)
        let result = try evaluation.evaluate(suite, shots: 1, scoring: .cloze)
        #expect(result.scoring == .cloze && result.answers.count == 2)
        func logSoftmax(_ row: [Double]) -> [Double] {
            let top = row.max()!
            let shift = top + log(row.reduce(0) { $0 + exp($1 - top) })
            return row.map { $0 - shift }
        }
        for (q, answer) in zip(test, result.answers) {
            let prompt = [257] + Array(BenchmarkPrompt.text(subject: "words", shots: dev, question: q, scoring: .cloze).utf8).map(Int.init)
            var expected: [Double] = []
            for choice in q.choices {
                let option = Array((" " + choice).utf8).map(Int.init)
                let logits = reference.logits(tokens: prompt + option)
                let total = option.indices.reduce(0.0) { $0 + logSoftmax(logits[prompt.count - 1 + $1])[option[$1]] }
                expected.append(total / Double(option.count))
            }
            for (got, want) in zip(answer.scores, expected) { #expect(abs(got - want) <= 1e-5 * max(1, abs(want)), "\(got) vs \(want)") }
            #expect(answer.predicted == expected.indices.max { expected[$0] < expected[$1] }!)
            #expect(answer.promptTokens == prompt.count + 1 + q.choices.map(\.utf8.count).max()!)
        }
    }

    @Test func promptsOverTheContextDropShotsAndSaySo() throws {
        let loaded = try ModelLoader.load(.huggingFace(directory: PerplexityTests.tinyModel), quantization: .qlora)
        let tokenizer = try #require(loaded.tokenizer)
        // Five shots of about 70 bytes each and a header of 80 cannot fit the tiny model's 256 positions.
        let long = String(repeating: "x", count: 30)
        let dev = (0..<5).map { Self.q("long", $0, "Shot \($0) \(long)?", $0 % 4) }
        let subject = BenchmarkSuite.Subject(name: "long", dev: dev, test: [Self.q("long", 0, "Asked \(long)?", 2)], testPath: "mem.csv")
        let evaluation = BenchmarkEvaluation(model: loaded.model, adapter: nil, tokenizer: tokenizer, bos: 257)
        let result = try evaluation.evaluate(BenchmarkSuite(subjects: [subject], path: "mem"), shots: 5)
        let answer = try #require(result.answers.first)
        let kept = BenchmarkPrompt.text(subject: "long", shots: dev.suffix(answer.shots), question: subject.test[0])
        #expect(answer.droppedShots > 0 && answer.shots + answer.droppedShots == 5)
        #expect(answer.promptTokens == 1 + kept.utf8.count + 1 && answer.promptTokens <= 256)
        // One more shot would not have fitted.
        let more = BenchmarkPrompt.text(subject: "long", shots: dev.suffix(answer.shots + 1), question: subject.test[0])
        #expect(1 + more.utf8.count + 1 > 256)
        #expect(result.subjects[0].questionsWithDroppedShots == 1 && result.subjects[0].droppedShots == answer.droppedShots)
    }

    @Test func smolLM2AnswersAsTransformersDoes() throws {
        guard FileManager.default.fileExists(atPath: PerplexityTests.smolLM2) else {
            print("skipped: \(PerplexityTests.smolLM2) is missing (scripts/setup fetches it)")
            return
        }
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.smolReference))) as! [String: Any]
        let expected = reference["questions"] as! [[String: Any]]
        let (evaluation, tokenizer) = try Self.smolLM2Evaluation()
        #expect(try evaluation.letterTokens(count: 4).letters == reference["letter_ids"] as! [Int])
        #expect(try evaluation.letterTokens(count: 4).suffix.isEmpty)
        let suite = try BenchmarkSuite.load(Self.mini)
        let result = try evaluation.evaluate(suite, shots: reference["shots"] as! Int)
        #expect(result.answers.count == expected.count)
        for (answer, want) in zip(result.answers, expected) {
            let question = suite.questions.first { $0.subject == answer.subject && $0.index == answer.index }!
            let text = BenchmarkPrompt.text(subject: answer.subject, shots: suite.subjects.first { $0.name == answer.subject }!.dev.prefix(5),
                                            question: question)
            let bos = evaluation.bos.map { [$0] } ?? []
            #expect(bos + tokenizer.encode(text) == want["input_ids"] as! [Int], "the same prompt tokens, BOS included or not")
            #expect(answer.subject == want["subject"] as! String && answer.index == want["index"] as! Int)
            let scores = want["scores"] as! [Double]
            for (got, ref) in zip(answer.scores, scores) { #expect(abs(got - ref) <= 1e-3, "\(got) vs \(ref)") }
            #expect(BenchmarkQuestion.letters[answer.predicted] == want["predicted"] as! String)
        }
    }

    @Test func smolLM2ClozeScoresAreTransformers() throws {
        guard FileManager.default.fileExists(atPath: PerplexityTests.smolLM2) else {
            print("skipped: \(PerplexityTests.smolLM2) is missing (scripts/setup fetches it)")
            return
        }
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.smolClozeReference))) as! [String: Any]
        let expected = reference["questions"] as! [[String: Any]]
        let (evaluation, tokenizer) = try Self.smolLM2Evaluation()
        let suite = try BenchmarkSuite.load(Self.mini)
        let result = try evaluation.evaluate(suite, shots: reference["shots"] as! Int, scoring: .cloze)
        #expect(result.answers.count == expected.count && result.answers.count == 12)
        for (answer, want) in zip(result.answers, expected) {
            let question = suite.questions.first { $0.subject == answer.subject && $0.index == answer.index }!
            let dev = suite.subjects.first { $0.name == answer.subject }!.dev.prefix(5)
            let bos = evaluation.bos.map { [$0] } ?? []
            #expect(bos + tokenizer.encode(BenchmarkPrompt.text(subject: answer.subject, shots: dev, question: question, scoring: .cloze))
                    == want["input_ids"] as! [Int])
            #expect(question.choices.map { tokenizer.encode(" " + $0) } == want["option_ids"] as! [[Int]])
            for (got, ref) in zip(answer.scores, want["scores"] as! [Double]) { #expect(abs(got - ref) <= 1e-4, "\(got) vs \(ref)") }
            #expect(BenchmarkQuestion.letters[answer.predicted] == want["predicted"] as! String)
        }
    }
}
