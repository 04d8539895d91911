import Foundation
import Testing
@testable import Evaluation

struct SequentialEloTests {
    /// Two battles worked by hand with K 32, initial 1000, base 10, scale 400.
    @Test func twoBattlesByHand() throws {
        let battles = [
            // Equal ratings: both expect 1/2, so the winner gains K/2 = 16 and the loser drops 16.
            Battle(modelA: "a", modelB: "b", winner: .modelA),
            // b (984) meets newcomer c (1000) and ties: E_b = 1/(1 + 10^(16/400)) = 1/(1 + 1.096478196143185)
            // = 0.4769904127024377, so b gains 32·(0.5 − E_b) = 0.736306793522 and c loses the same.
            Battle(modelA: "b", modelB: "c", winner: .tie),
        ]
        let ratings = try SequentialElo().ratings(battles)
        #expect(ratings["a"] == 1016)
        #expect(abs(ratings["b"]! - 984.736306793522) < 1e-9)
        #expect(abs(ratings["c"]! - 999.263693206478) < 1e-9)
    }

    @Test func constantsAreHonoured() throws {
        let battles = [Battle(modelA: "x", modelB: "y", winner: .modelB)]
        let parameters = EloParameters(k: 4, initial: 1500, base: 10, scale: 400)
        let ratings = try SequentialElo(parameters: parameters).ratings(battles)
        #expect(ratings == ["x": 1498, "y": 1502])
        // Base e, scale 1: after one win at equal ratings, the expected score is σ(K/2 + K/2) for the winner.
        let natural = try SequentialElo(parameters: EloParameters(k: 1, initial: 0, base: M_E, scale: 1))
            .ratings(battles + battles)
        let expectedY = 0.5 + (1 - 1 / (1 + exp(-1.0)))
        #expect(abs(natural["y"]! - expectedY) < 1e-12)
        #expect(abs(natural["x"]! + expectedY) < 1e-12)
    }

    @Test func orderMatters() throws {
        let battles = [
            Battle(modelA: "a", modelB: "b", winner: .modelA),
            Battle(modelA: "a", modelB: "b", winner: .modelB),
        ]
        let forward = try SequentialElo().ratings(battles)
        let backward = try SequentialElo().ratings(battles.reversed())
        // One win each, yet the last winner ends ahead: the reason the paper averages over orderings.
        #expect(forward["b"]! > forward["a"]!)
        #expect(backward["a"]! > backward["b"]!)
        #expect(abs(forward["a"]! + forward["b"]! - 2000) < 1e-9)
    }

    @Test(arguments: [
        EloParameters(k: 0), EloParameters(k: -1), EloParameters(base: 1), EloParameters(scale: 0),
        EloParameters(initial: .nan),
    ])
    func invalidConstantsAreRejected(parameters: EloParameters) {
        #expect(throws: RatingError.self) { try SequentialElo(parameters: parameters).ratings([]) }
    }

    @Test func noBattlesNoRatings() throws {
        #expect(try SequentialElo().ratings([]).isEmpty)
    }
}

extension SequentialEloTests {
    @Test func aModelAgainstItselfChangesNothing() throws {
        let battles = [Battle(modelA: "a", modelB: "b", winner: .modelA), Battle(modelA: "a", modelB: "a", winner: .modelA)]
        #expect(try SequentialElo().ratings(battles) == ["a": 1016, "b": 984])
        let fit = try BradleyTerry().fit(battles + [Battle(modelA: "b", modelB: "a", winner: .modelA)])
        #expect(abs(fit.ratings["a"]! - 1000) < 1e-9 && !fit.regularized)
    }
}
