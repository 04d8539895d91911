import Foundation
import Tokenizers
import Testing
@testable import Evaluation

/// The k-shot prompt against strings written out by hand, and the dropping of shots that do not fit.
struct BenchmarkPromptTests {
    static func q(_ question: String, _ choices: [String], _ answer: Int, index: Int = 0) -> BenchmarkQuestion {
        BenchmarkQuestion(subject: "college physics", index: index, question: question, choices: choices, answer: answer, path: "t.csv", line: index + 1)
    }

    static let dev = [
        q("What is 1+1?", ["1", "2", "3", "4"], 1),
        q("Unit of force?", ["newton", "joule", "watt", "pascal"], 0),
        q("c is about", ["3e8 m/s", "3e6 m/s", "340 m/s", "1 m/s"], 0),
        q("Which is a vector?", ["mass", "time", "velocity", "energy"], 2),
        q("g on Earth, m/s²?", ["1.6", "3.7", "24.8", "9.8"], 3),
        q("never shown", ["a", "b", "c", "d"], 0),
    ]
    static let asked = q("Which particle has no charge?", ["electron", "proton", "neutron", "positron"], 2)

    @Test func zeroShotIsTheHeaderAndTheQuestion() {
        let expected = "The following are multiple choice questions (with answers) about college physics.\n\n"
            + "Which particle has no charge?\nA. electron\nB. proton\nC. neutron\nD. positron\nAnswer:"
        #expect(BenchmarkPrompt.text(subject: "college physics", shots: [], question: Self.asked) == expected)
    }

    @Test func oneShotPutsTheSolvedExampleAndABlankLineBeforeTheQuestion() {
        let expected = "The following are multiple choice questions (with answers) about college physics.\n\n"
            + "What is 1+1?\nA. 1\nB. 2\nC. 3\nD. 4\nAnswer: B\n\n"
            + "Which particle has no charge?\nA. electron\nB. proton\nC. neutron\nD. positron\nAnswer:"
        #expect(BenchmarkPrompt.text(subject: "college physics", shots: Self.dev.prefix(1), question: Self.asked) == expected)
    }

    @Test func fiveShotsInDevOrder() throws {
        let expected = "The following are multiple choice questions (with answers) about college physics.\n\n"
            + "What is 1+1?\nA. 1\nB. 2\nC. 3\nD. 4\nAnswer: B\n\n"
            + "Unit of force?\nA. newton\nB. joule\nC. watt\nD. pascal\nAnswer: A\n\n"
            + "c is about\nA. 3e8 m/s\nB. 3e6 m/s\nC. 340 m/s\nD. 1 m/s\nAnswer: A\n\n"
            + "Which is a vector?\nA. mass\nB. time\nC. velocity\nD. energy\nAnswer: C\n\n"
            + "g on Earth, m/s²?\nA. 1.6\nB. 3.7\nC. 24.8\nD. 9.8\nAnswer: D\n\n"
            + "Which particle has no charge?\nA. electron\nB. proton\nC. neutron\nD. positron\nAnswer:"
        let tokenizer = try ByteTokenizer()
        let prompt = try BenchmarkPrompt.tokens(subject: "college physics", dev: Self.dev, k: 5, question: Self.asked,
                                                tokenizer: tokenizer, bos: nil, context: 10_000)
        #expect(prompt.ids == Array(expected.utf8).map(Int.init))
        #expect(prompt.shots == 5 && prompt.dropped == 0)
        // BOS, when given, comes first and counts towards the context.
        let withBOS = try BenchmarkPrompt.tokens(subject: "college physics", dev: Self.dev, k: 5, question: Self.asked,
                                                 tokenizer: tokenizer, bos: 999, context: 10_000)
        #expect(withBOS.ids == [999] + Array(expected.utf8).map(Int.init))
    }

    @Test func aPromptLongerThanTheContextDropsShotsFromTheFront() throws {
        let tokenizer = try ByteTokenizer()
        // Written out: two shots kept, the first three dropped.
        let kept = "The following are multiple choice questions (with answers) about college physics.\n\n"
            + "Which is a vector?\nA. mass\nB. time\nC. velocity\nD. energy\nAnswer: C\n\n"
            + "g on Earth, m/s²?\nA. 1.6\nB. 3.7\nC. 24.8\nD. 9.8\nAnswer: D\n\n"
            + "Which particle has no charge?\nA. electron\nB. proton\nC. neutron\nD. positron\nAnswer:"
        let bytes = kept.utf8.count + 1  // and BOS
        let prompt = try BenchmarkPrompt.tokens(subject: "college physics", dev: Self.dev, k: 5, question: Self.asked,
                                                tokenizer: tokenizer, bos: 7, context: bytes)
        #expect(prompt.ids == [7] + Array(kept.utf8).map(Int.init))
        #expect(prompt.shots == 2 && prompt.dropped == 3)
        // One token less and the fourth shot goes too.
        let tighter = try BenchmarkPrompt.tokens(subject: "college physics", dev: Self.dev, k: 5, question: Self.asked,
                                                 tokenizer: tokenizer, bos: 7, context: bytes - 1)
        #expect(tighter.shots == 1 && tighter.dropped == 4)
        // A question that does not fit alone is an error naming its file and line.
        #expect { try BenchmarkPrompt.tokens(subject: "college physics", dev: Self.dev, k: 5, question: Self.asked,
                                             tokenizer: tokenizer, bos: 7, context: 20) } throws: { "\($0)".contains("t.csv:1:") }
    }

    @Test func subjectIsTheFileNameWithSpacesAndNoSplitSuffix() {
        #expect(BenchmarkReader.subject(ofFile: "/x/test/high_school_physics_test.csv") == "high school physics")
        #expect(BenchmarkReader.subject(ofFile: "dev/abstract_algebra_dev.csv") == "abstract algebra")
        #expect(BenchmarkReader.subject(ofFile: "val/computer_network_val.csv") == "computer network")
        #expect(BenchmarkReader.subject(ofFile: "anatomy.jsonl") == "anatomy")
    }

    @Test func clozePromptsListNoOptionsAndSolveWithTheOptionText() throws {
        let zero = "The following are multiple choice questions (with answers) about college physics.\n\n"
            + "Which particle has no charge?\nAnswer:"
        #expect(BenchmarkPrompt.text(subject: "college physics", shots: [], question: Self.asked, scoring: .cloze) == zero)
        let two = "The following are multiple choice questions (with answers) about college physics.\n\n"
            + "What is 1+1?\nAnswer: 2\n\n"
            + "Unit of force?\nAnswer: newton\n\n"
            + "Which particle has no charge?\nAnswer:"
        let tokenizer = try ByteTokenizer()
        let prompt = try BenchmarkPrompt.tokens(subject: "college physics", dev: Self.dev, k: 2, question: Self.asked,
                                                tokenizer: tokenizer, bos: 7, context: 10_000, scoring: .cloze)
        #expect(prompt.ids == [7] + Array(two.utf8).map(Int.init))
        // Dropping works on the cloze text's length: room for the header, one shot and the question only.
        let one = "The following are multiple choice questions (with answers) about college physics.\n\n"
            + "Unit of force?\nAnswer: newton\n\nWhich particle has no charge?\nAnswer:"
        let fitted = try BenchmarkPrompt.tokens(subject: "college physics", dev: Self.dev, k: 2, question: Self.asked,
                                                tokenizer: tokenizer, bos: nil, context: one.utf8.count, scoring: .cloze)
        #expect(fitted.ids == Array(one.utf8).map(Int.init) && fitted.shots == 1 && fitted.dropped == 1)
    }
}
