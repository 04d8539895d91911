import Foundation
import Testing
@testable import Evaluation

/// Both orders of a pair as one comparison, Elo intervals from a bootstrap over prompts, and prompt files.
struct PairedTournamentTests {
    static func judged(_ prompt: String, _ a: String, _ b: String, _ order: TournamentMatch.Order, _ outcome: JudgmentOutcome) -> TournamentJudgment {
        TournamentJudgment(match: TournamentMatch(promptID: prompt, contestantA: a, contestantB: b, order: order), outcome: outcome, rawOutput: "")
    }

    @Test func bothOrdersOfAPairOnAPromptAreOneComparison() {
        let judgments = [
            Self.judged("p1", "x", "y", .forward, .a), Self.judged("p1", "y", "x", .reverse, .a),        // a win each way: tie
            Self.judged("p2", "x", "y", .forward, .a), Self.judged("p2", "y", "x", .reverse, .tie),      // 1.5 of 2 points: x
            Self.judged("p3", "x", "y", .forward, .b), Self.judged("p3", "y", "x", .reverse, .failed(reason: "no verdict")), // y alone
            Self.judged("p4", "x", "y", .forward, .failed(reason: "timeout")), Self.judged("p4", "y", "x", .reverse, .failed(reason: "timeout")),
            Self.judged("p5", "x", "z", .forward, .tie), Self.judged("p5", "z", "x", .reverse, .b),      // x: 0.5 + 1 = 1.5: x
        ]
        let comparisons = PairedComparison.comparisons(judgments)
        #expect(comparisons == [
            .init(promptID: "p1", battle: Battle(modelA: "x", modelB: "y", winner: .tie)),
            .init(promptID: "p2", battle: Battle(modelA: "x", modelB: "y", winner: .modelA)),
            .init(promptID: "p3", battle: Battle(modelA: "x", modelB: "y", winner: .modelB)),
            .init(promptID: "p5", battle: Battle(modelA: "x", modelB: "z", winner: .modelA)),
        ])
    }

    @Test func promptBootstrapIntervalsSpanTheResampledPrompts() throws {
        // x wins on p1, y on p2. A resample draws {p1, p1}, {p2, p2} or one of each (a quarter, a quarter, a half).
        // Two wins of x from 1000 with K 32: 1016, then + 32·(1 − 1/(1 + 10^(−32/400))) = 1016 + 32/(1 + 10^0.08);
        // two losses: 984 − 32/(1 + 10^0.08). With 1000 resamples those are the 2.5th and 97.5th percentiles.
        let comparisons = [PairedComparison.Comparison(promptID: "p1", battle: Battle(modelA: "x", modelB: "y", winner: .modelA)),
                           PairedComparison.Comparison(promptID: "p2", battle: Battle(modelA: "x", modelB: "y", winner: .modelB))]
        let elo = RandomOrderingElo(orderings: 200, seed: 7)
        let ratings = try PromptBootstrapElo(elo: elo, samples: 1000, seed: 11).ratings(comparisons)
        let step = 32 / (1 + pow(10, 0.08))
        let x = try #require(ratings["x"]), y = try #require(ratings["y"])
        let interval = try #require(x.interval)
        #expect(abs(interval.upper - (1016 + step)) < 1e-9, "\(interval)")
        #expect(abs(interval.lower - (984 - step)) < 1e-9, "\(interval)")
        // The point estimate: one win each, in one order or the other, 1000 ∓ 32/(1 + 10^−0.08) around 1000.
        let swing = 32 / (1 + pow(10, -0.08))
        #expect(abs(x.rating - 1000) <= swing - 16 + 1e-9, "\(x.rating)")
        #expect(abs(x.rating + y.rating - 2000) < 1e-9, "Elo is zero-sum between two models")
        // The orderings alone put x within 1000 ± (swing − 16): far narrower than the prompts' interval.
        let byOrder = try #require(try elo.ratings(comparisons.map(\.battle))["x"]?.interval)
        #expect(byOrder.upper - byOrder.lower <= 2 * (swing - 16) + 1e-9)
        #expect(interval.upper - interval.lower > 10 * (byOrder.upper - byOrder.lower))
        // Seeded: the same seed gives the same interval.
        #expect(try PromptBootstrapElo(elo: elo, samples: 1000, seed: 11).ratings(comparisons) == ratings)
    }

    @Test func vicunaPromptFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-vicuna-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/question.jsonl"
        try """
            {"question_id": 1, "category": "generic", "text": "How can I improve my time management skills?"}
            {"question_id": "oa-7", "category": "writing", "text": "Write a haiku about rain."}

            """.write(toFile: path, atomically: true, encoding: .utf8)
        let entries = try TournamentPromptFile.read(path: path)
        #expect(entries.map(\.prompt.id) == ["1", "oa-7"])
        #expect(entries.map(\.category) == ["generic", "writing"])
        #expect(entries[1].prompt.prompt == "Write a haiku about rain.")
        try "{\"question_id\": 1, \"text\": \"a\"}\n{\"question_id\": 1, \"text\": \"b\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try TournamentPromptFile.read(path: path) } throws: { "\($0)".contains("question.jsonl:2: question_id 1 was already used on line 1") }
        try "{\"question_id\": 2}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try TournamentPromptFile.read(path: path) } throws: { "\($0)".contains("question.jsonl:1: \"text\" must be") }
    }
}
