import Foundation
import Testing
@testable import Evaluation

/// The fixture's battles against the ratings the reference implementations computed from them.
struct FixtureTests {
    @Test func readsEveryBattle() throws {
        let battles = try BattleFile.read(path: FixturePaths.battles)
        #expect(battles.count == 600)
        #expect(battles[0] == Battle(modelA: "cell-04", modelB: "cell-00", winner: .modelB))
        #expect(Set(battles.flatMap { [$0.modelA, $0.modelB] }).count == 6)
    }

    @Test func sequentialEloMatchesTheReference() throws {
        let battles = try BattleFile.read(path: FixturePaths.battles)
        let expected = try FixturePaths.expectedRatings("sequential")
        let ratings = try SequentialElo().ratings(battles)
        #expect(Set(ratings.keys) == Set(expected.keys))
        for (model, value) in expected {
            #expect(abs(ratings[model]! - value) <= 1e-9, "\(model): \(ratings[model]!) vs \(value)")
        }
    }

    @Test func bradleyTerryMatchesTheReference() throws {
        let battles = try BattleFile.read(path: FixturePaths.battles)
        let expected = try FixturePaths.expectedRatings("bt_mle")
        let fit = try BradleyTerry().fit(battles)
        #expect(!fit.regularized)
        #expect(Set(fit.ratings.keys) == Set(expected.keys))
        for (model, value) in expected {
            #expect(abs(fit.ratings[model]! - value) <= 1e-3, "\(model): \(fit.ratings[model]!) vs \(value)")
        }
    }
}
