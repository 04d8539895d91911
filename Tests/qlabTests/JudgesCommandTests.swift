import Foundation
import Testing

/// `qlab judges agree`: agreement and kappa of judgment files, worked out by hand.
struct JudgesCommandTests {
    static func file(_ lines: [String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-judges-\(UUID().uuidString).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func line(_ q: Int, _ a: String, _ b: String, _ winner: String) -> String {
        "{\"question_id\": \(q), \"model_a\": \"\(a)\", \"model_b\": \"\(b)\", \"winner\": \"\(winner)\"}"
    }

    @Test func twoJudgesGiveCohensKappaAndThreeFleiss() throws {
        // Verdicts (first wins, second wins, tie) on the same five battles:
        //   judge 1: b a t b a    judge 2: b a b b b    judge 3: b t t b a
        let battles = [(1, "base", "tuned"), (1, "tuned", "base"), (2, "base", "tuned"), (2, "tuned", "base"), (3, "base", "tuned")]
        func judge(_ verdicts: [String]) throws -> String {
            try Self.file(zip(battles, verdicts).map { Self.line($0.0, $0.1, $0.2, $1) })
        }
        let one = try judge(["model_b", "model_a", "tie", "model_b", "model_a"])
        let two = try judge(["model_b", "model_a", "model_b", "model_b", "model_b"])
        let three = try judge(["model_b", "tie", "tie", "model_b", "model_a"])
        // 1 vs 2: agree on 3 of 5; chance 0.4·0.2 + 0.4·0.8 + 0.2·0 = 0.4; kappa (0.6 − 0.4) / 0.6 = 1/3.
        let pair = try CLI.run(["judges", "agree", one, two, "--json"])
        #expect(pair.status == 0, "\(pair.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(pair.stdout.utf8)) as! [String: Any]
        let first = (report["pairs"] as! [[String: Any]])[0]
        #expect(first["battles"] as? Int == 5)
        #expect(abs((first["agreement"] as! Double) - 0.6) < 1e-12)
        #expect(abs((first["chance"] as! Double) - 0.4) < 1e-12)
        #expect(abs((first["cohen_kappa"] as! Double) - 1.0 / 3.0) < 1e-12)
        // Three judges: per battle the agreeing ordered pairs of judges: 6, 2, 2, 6, 2 of 6 → 0.6;
        // pooled verdicts a 4, b 8, tie 3 of 15: chance (16 + 64 + 9) / 225 = 0.39556; kappa (0.6 − 89/225) / (1 − 89/225).
        let all = try CLI.run(["judges", "agree", one, two, three, "--json"])
        #expect(all.status == 0, "\(all.stderr)")
        let fleiss = (try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as! [String: Any])["fleiss"] as! [String: Any]
        #expect(abs((fleiss["agreement"] as! Double) - 0.6) < 1e-12)
        #expect(abs((fleiss["chance"] as! Double) - 89.0 / 225.0) < 1e-12)
        #expect(abs((fleiss["kappa"] as! Double) - (0.6 - 89.0 / 225.0) / (1 - 89.0 / 225.0)) < 1e-12)
        let text = try CLI.run(["judges", "agree", one, two])
        #expect(text.stdout.contains("5 battles, agreement 0.600 (chance 0.400), Cohen's kappa 0.333"), "\(text.stdout)")
    }

    @Test func aBattleJudgedTwiceInOneFileIsAnErrorNamingTheLine() throws {
        let bad = try Self.file([Self.line(1, "x", "y", "tie"), Self.line(1, "x", "y", "model_a")])
        let good = try Self.file([Self.line(1, "x", "y", "tie")])
        let result = try CLI.run(["judges", "agree", good, bad])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(bad):2: the battle of line 1 is judged again"), "\(result.stderr)")
    }
}
