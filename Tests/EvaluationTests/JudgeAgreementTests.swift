import Foundation
import Testing
@testable import Evaluation

/// Cohen's and Fleiss' kappa against values worked out by hand and the published example of Fleiss' kappa.
struct JudgeAgreementTests {
    @Test func cohenKappaOfTwoJudgesByHand() throws {
        // Agreement on 7 of 10; the first judge says A, B, tie 5, 3, 2 times, the second 4, 3, 3 times:
        // chance = 0.5·0.4 + 0.3·0.3 + 0.2·0.3 = 0.35, kappa = (0.7 − 0.35) / 0.65 = 7/13.
        let a = [0, 0, 0, 1, 1, 2, 0, 1, 2, 0]
        let b = [0, 0, 1, 1, 1, 2, 0, 0, 2, 2]
        let m = try JudgeAgreement.cohen(a, b, categories: 3)
        #expect(m.items == 10)
        #expect(abs(m.observed - 0.7) < 1e-15)
        #expect(abs(m.expected - 0.35) < 1e-15)
        #expect(abs(m.kappa - 7.0 / 13.0) < 1e-14)
        #expect(try JudgeAgreement.cohen(a, a, categories: 3).kappa == 1)
        #expect(try JudgeAgreement.cohen([2, 2], [2, 2], categories: 3).kappa.isNaN, "all ties: chance agreement is complete")
        #expect { try JudgeAgreement.cohen([0], [0, 1], categories: 3) } throws: { "\($0)".contains("same ones") }
    }

    @Test func fleissKappaOfThePublishedExample() throws {
        // Fleiss (1971) as Wikipedia tabulates it: 10 items, 14 raters, 5 categories; P̄ = 0.378, P̄e = 0.213, κ = 0.210.
        let table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
                     [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
        let ratings = table.map { row in row.enumerated().flatMap { c, count in Array(repeating: c, count: count) } }
        let m = try JudgeAgreement.fleiss(ratings, categories: 5)
        #expect(abs(m.observed - 0.378021978021978) < 1e-12)
        #expect(abs(m.expected - 0.21275510204081632) < 1e-12)
        #expect(abs(m.kappa - 0.20993070442195522) < 1e-12)
    }

    @Test func fleissOfTwoJudgesIsScottsPiNotCohens() throws {
        // With two judges, Fleiss' kappa pools the frequencies: chance = ((5+4)/20)² + ((3+3)/20)² + ((2+3)/20)² = 0.3550.
        let a = [0, 0, 0, 1, 1, 2, 0, 1, 2, 0]
        let b = [0, 0, 1, 1, 1, 2, 0, 0, 2, 2]
        let m = try JudgeAgreement.fleiss(zip(a, b).map { [$0, $1] }, categories: 3)
        #expect(abs(m.observed - 0.7) < 1e-15)
        #expect(abs(m.expected - 0.355) < 1e-15)
        #expect(abs(m.kappa - (0.7 - 0.355) / 0.645) < 1e-14)
    }

    @Test func judgmentFilesPairBattlesByPromptAndOrder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-agree-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/gpt4.jsonl"
        try """
            {"question_id": 81, "model_a": "x", "model_b": "y", "winner": "model_a", "turn": 1}
            {"question_id": 81, "model_a": "y", "model_b": "x", "winner": "tie", "turn": 1}
            {"prompt_id": "p2", "model_a": "x", "model_b": "y", "winner": "model_b"}

            """.write(toFile: path, atomically: true, encoding: .utf8)
        let verdicts = try JudgedBattleFile.read(path: path)
        #expect(verdicts.map(\.key) == ["81|x|y|1", "81|y|x|1", "p2|x|y"])
        #expect(verdicts.map { JudgedBattleFile.category($0.battle.winner) } == [0, 2, 1])
        try "{\"question_id\": 1, \"model_a\": \"x\", \"model_b\": \"y\", \"winner\": \"tie\"}\n{\"question_id\": 1, \"model_a\": \"x\", \"model_b\": \"y\", \"winner\": \"model_a\"}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try JudgedBattleFile.read(path: path) } throws: { "\($0)".contains("gpt4.jsonl:2: the battle of line 1 is judged again") }
        try "{\"model_a\": \"x\", \"model_b\": \"y\", \"winner\": \"tie\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try JudgedBattleFile.read(path: path) } throws: { "\($0)".contains("gpt4.jsonl:1: missing \"question_id\"") }
    }
}
