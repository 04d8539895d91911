import Testing
@testable import Evaluation

struct AnswerNormalizerTests {
    @Test func numbersCompareAsNumbers() {
        for answer in ["46", "46.0", " 46。", "+046.00", "４６", "46.", "  46 \n", "46!"] {
            #expect(AnswerNormalizer.matches(answer, reference: "46"), "\(answer)")
        }
        #expect(!AnswerNormalizer.matches("46.5", reference: "46"))
        #expect(!AnswerNormalizer.matches("460", reference: "46"))
        #expect(AnswerNormalizer.normalize("-0.0") == "0")
        #expect(AnswerNormalizer.normalize("-07.50") == "-7.5")
        #expect(AnswerNormalizer.normalize(".5") == "0.5")
        // Digits are kept as text, so a long number does not lose its last digits to Double.
        #expect(AnswerNormalizer.normalize("123456789012345678901.10") == "123456789012345678901.1")
    }

    @Test func whitespaceCaseAndPunctuation() {
        #expect(AnswerNormalizer.normalize("  Apple\t RIVER\n\nstone. ") == "apple river stone")
        #expect(AnswerNormalizer.matches("ＡＰＰＬＥ！", reference: "apple"))
        #expect(AnswerNormalizer.normalize("山水月花。") == "山水月花")
        #expect(AnswerNormalizer.normalize("?!...") == "")
        // Punctuation inside the answer matters; only what trails it is dropped.
        #expect(!AnswerNormalizer.matches("a.b", reference: "ab"))
    }

    @Test func listsInBothLanguages() {
        // The ordering task's English reference uses ", ", its Chinese one the full-width comma.
        #expect(AnswerNormalizer.matches("3, 5, 12", reference: "3，5，12"))
        #expect(AnswerNormalizer.matches("3,5.0,12。", reference: "3, 5, 12"))
        #expect(!AnswerNormalizer.matches("3, 12, 5", reference: "3, 5, 12"))
    }

    @Test func accuracyOverTasks() throws {
        let tasks = [
            AnswerTask(id: "1", prompt: "2+44=", reference: "46", kind: "arithmetic"),
            AnswerTask(id: "2", prompt: "计算 3 加上 4。", reference: "7", kind: "arithmetic"),
            AnswerTask(id: "3", prompt: "Repeat exactly: apple river", reference: "apple river", kind: "copy"),
            AnswerTask(id: "4", prompt: "把这些数从小到大排列：5，3", reference: "3，5", kind: "order"),
        ]
        let answers = ["1": "46.0", "2": "八", "3": "Apple river.", "4": "3, 5"]
        let score = try AnswerAccuracy.score(tasks: tasks, answers: answers)
        #expect(score.overall == AnswerAccuracy.Tally(correct: 3, total: 4))
        #expect(score.accuracy == 0.75)
        #expect(score.byKind["arithmetic"] == AnswerAccuracy.Tally(correct: 1, total: 2))
        #expect(score.byKind["copy"]?.accuracy == 1)
        #expect(score.items.map(\.correct) == [true, false, true, true])
        #expect(score.items[1].normalizedAnswer == "八")
    }

    @Test func accuracyInputErrors() {
        let tasks = [AnswerTask(id: "1", prompt: "1+1=", reference: "2"), AnswerTask(id: "2", prompt: "2+2=", reference: "4")]
        #expect(throws: AnswerError.missingAnswer(taskID: "2")) { try AnswerAccuracy.score(tasks: tasks, answers: ["1": "2"]) }
        #expect(throws: AnswerError.unknownTask(id: "9")) {
            try AnswerAccuracy.score(tasks: tasks, answers: ["1": "2", "2": "4", "9": "x"])
        }
        #expect(throws: AnswerError.duplicateTask(id: "1")) {
            try AnswerAccuracy.score(tasks: tasks + [tasks[0]], answers: ["1": "2", "2": "4"])
        }
    }
}
