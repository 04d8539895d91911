import Support
import Foundation
import Tensors
@testable import Evaluation

enum FixturePaths {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let elo = packageRoot.appendingPathComponent("Tests/Fixtures/elo")
    static let battles = elo.appendingPathComponent("battles.jsonl").path
    static let expected = elo.appendingPathComponent("expected.json").path

    /// The ratings stored under `key` in expected.json.
    static func expectedRatings(_ key: String) throws -> [String: Double] {
        let json = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: expected)))
        var ratings: [String: Double] = [:]
        for (model, value) in json[key]?.object ?? [:] { ratings[model] = value.double }
        return ratings
    }
}

/// Battles among models with known strengths, drawn from the Bradley–Terry model itself (with ties),
/// so tests can check that ratings recover the order of the strengths.
func simulatedBattles(strengths: [String: Double], count: Int, tieRate: Double = 0.1, seed: UInt64) -> [Battle] {
    let names = strengths.keys.sorted()
    var generator = SeededGenerator(seed: seed)
    var battles: [Battle] = []
    while battles.count < count {
        let a = names[Int(generator.next() % UInt64(names.count))]
        let b = names[Int(generator.next() % UInt64(names.count))]
        if a == b { continue }
        let pA = 1 / (1 + pow(10, (strengths[b]! - strengths[a]!) / 400))
        let u = generator.nextDouble()
        let winner: Battle.Winner = u < tieRate ? .tie : (generator.nextDouble() < pA ? .modelA : .modelB)
        battles.append(Battle(modelA: a, modelB: b, winner: winner))
    }
    return battles
}
