import Foundation
import Testing

struct EloCommandTests {
    let battles = CLI.fixture("elo/battles.jsonl")

    func ratings(_ args: [String]) throws -> [String: Any] {
        let result = try CLI.run(["elo", battles, "--json"] + args)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
    }

    @Test func sequentialAndBradleyTerryPrintTheReferenceRatings() throws {
        let expected = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: CLI.fixture("elo/expected.json")))) as! [String: Any]
        for (method, key, tolerance) in [("sequential", "sequential", 1e-9), ("bt", "bt_mle", 1e-3)] {
            let report = try ratings(["--method", method, "--bootstrap", "0"])
            let got = report["ratings"] as! [String: Double]
            let want = expected[key] as! [String: Double]
            #expect(Set(got.keys) == Set(want.keys))
            for (model, value) in want { #expect(abs(got[model]! - value) <= tolerance, "\(method) \(model)") }
            #expect(report["intervals"] == nil)
        }
    }

    @Test func orderingsGiveIntervalsAndAreSeeded() throws {
        let first = try ratings(["--orderings", "200", "--seed", "3"])
        let again = try ratings(["--orderings", "200", "--seed", "3"])
        #expect(first["ratings"] as! [String: Double] == again["ratings"] as! [String: Double])
        let intervals = first["intervals"] as! [String: [Double]]
        for (model, rating) in first["ratings"] as! [String: Double] {
            #expect(intervals[model]![0] <= rating && rating <= intervals[model]![1], "\(model)")
        }
    }

    @Test func theTableRanksEveryModel() throws {
        let result = try CLI.run(["elo", battles, "--method", "bt", "--bootstrap", "50"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 7)
        #expect(lines[0].contains("rank") && lines[0].contains("95% interval") && lines[0].contains("battles"))
        // cell-03 has the best Bradley–Terry rating in the reference (1104.8), cell-05 the worst.
        #expect(lines[1].contains("cell-03") && lines[6].contains("cell-05"))
    }

    @Test func errorsNameTheFileAndLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-elo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("bad.jsonl")
        try Data("""
            {"model_a": "a", "model_b": "b", "winner": "model_a"}
            {"model_a": "a", "model_b": "b", "winner": "draw"}
            """.utf8).write(to: bad)
        let malformed = try CLI.run(["elo", bad.path])
        #expect(malformed.status != 0)
        #expect(malformed.stderr.contains("\(bad.path):2:"), "\(malformed.stderr)")
        let missing = try CLI.run(["elo", directory.appendingPathComponent("none.jsonl").path])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("none.jsonl: no such file"), "\(missing.stderr)")
    }
}
