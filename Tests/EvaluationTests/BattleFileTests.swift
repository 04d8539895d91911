import Foundation
import Testing
@testable import Evaluation

struct BattleFileTests {
    @Test func readsTheThreeOutcomesAndFastChatsBothBadTie() throws {
        let text = """
        {"model_a": "a", "model_b": "b", "winner": "model_a"}

        {"model_b": "c", "model_a": "b", "winner": "model_b", "judge": "reference"}\r
        {"model_a": "a", "model_b": "c", "winner": "tie"}
        {"model_a": "c", "model_b": "a", "winner": "tie (bothbad)"}
        """
        let battles = try BattleFile.parse(text, source: "t.jsonl")
        #expect(battles.map(\.winner) == [.modelA, .modelB, .tie, .tie])
        #expect(battles[1] == Battle(modelA: "b", modelB: "c", winner: .modelB))
    }

    @Test(arguments: [
        (#"{"model_a": "a", "model_b": "b", "winner": "model_c"}"#, "winner"),
        (#"{"model_a": "a", "winner": "tie"}"#, "model_b"),
        (#"{"model_a": "a", "model_b": 3, "winner": "tie"}"#, "model_b"),
        (#"{"model_a": "a", "model_b": "a", "winner": "tie"}"#, "itself"),
        (#"{"model_a": "a", "model_b": "b", "winner": "tie""#, "JSON"),
        (#"["a", "b", "tie"]"#, "object"),
    ])
    func aMalformedLineIsNamed(line: String, reason: String) throws {
        let text = """
        {"model_a": "a", "model_b": "b", "winner": "model_a"}

        \(line)
        {"model_a": "a", "model_b": "b", "winner": "model_b"}
        """
        do {
            _ = try BattleFile.parse(text, source: "judged.jsonl")
            Issue.record("accepted a malformed line")
        } catch {
            guard case .malformedLine(let file, let number, let why) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(file == "judged.jsonl" && number == 3)
            #expect(why.contains(reason), "\(why)")
            #expect(error.description.hasPrefix("judged.jsonl:3: "))
        }
    }

    @Test func aMissingFileIsNamed() {
        let path = "/nonexistent/battles.jsonl"
        #expect(throws: BattleFileError.unreadable(file: path, reason: "no such file")) {
            try BattleFile.read(path: path)
        }
    }

    @Test func tallyAndWinRates() {
        let battles = [
            Battle(modelA: "a", modelB: "b", winner: .modelA), Battle(modelA: "b", modelB: "a", winner: .modelB),
            Battle(modelA: "a", modelB: "b", winner: .tie), Battle(modelA: "c", modelB: "b", winner: .modelA),
        ]
        let records = BattleRecord.tally(battles)
        #expect(records["a"]!.wins == 2 && records["a"]!.ties == 1 && records["a"]!.losses == 0)
        #expect(records["b"]!.wins == 0 && records["b"]!.ties == 1 && records["b"]!.losses == 3)
        #expect(records["c"]!.battles == 1)
        let matrix = WinRateMatrix(battles)
        #expect(matrix.models == ["a", "b", "c"])
        #expect(matrix.winRate("a", against: "b") == 2.5 / 3)
        #expect(matrix.winRate("b", against: "a") == 0.5 / 3)
        #expect(matrix.winRate("c", against: "b") == 1)
        #expect(matrix.winRate("a", against: "c") == nil)
        #expect(matrix.battles("a", "b") == 3 && matrix.battles("a", "c") == 0)
    }
}
