import Foundation
import Testing
import Tensors
@testable import Evaluation

struct BradleyTerryTests {
    /// The maximum of the log-likelihood found by plain gradient ascent in float64, straight from the
    /// battle list: a different route to the same optimum than Newton over the pairwise score matrix.
    static func gradientAscent(_ battles: [Battle]) -> [String: Double] {
        let names = Array(Set(battles.flatMap { [$0.modelA, $0.modelB] })).sorted()
        var theta = [String: Double](uniqueKeysWithValues: names.map { ($0, 0) })
        let rate = 1.0 / Double(battles.count)
        for _ in 0..<200_000 {
            var gradient = [String: Double](uniqueKeysWithValues: names.map { ($0, 0) })
            for battle in battles {
                let p = 1 / (1 + exp(theta[battle.modelB]! - theta[battle.modelA]!))
                let s = battle.winner.scoreA
                gradient[battle.modelA]! += s - p
                gradient[battle.modelB]! -= s - p
            }
            if gradient.values.map(abs).max()! < 1e-11 { break }
            for name in names { theta[name]! += rate * 4 * gradient[name]! }
        }
        let mean = theta.values.reduce(0, +) / Double(names.count)
        return theta.mapValues { ($0 - mean) * 400 / log(10) + 1000 }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func agreesWithBruteForceMaximum(seed: UInt64) throws {
        let battles = simulatedBattles(
            strengths: ["p": 1100, "q": 1000, "r": 950, "s": 900, "t": 1020], count: 120, tieRate: 0.2, seed: seed)
        let fit = try BradleyTerry().fit(battles)
        #expect(!fit.regularized)
        let reference = Self.gradientAscent(battles)
        for (model, value) in reference {
            #expect(abs(fit.ratings[model]! - value) < 1e-6, "\(model): \(fit.ratings[model]!) vs \(value)")
        }
        #expect(abs(fit.values.reduce(0, +) / Double(fit.values.count) - 1000) < 1e-9)
    }

    @Test func twoModelsHaveTheClosedForm() throws {
        // 3 wins, 1 tie, 1 loss: a scores 3.5 of 5, so P(a beats b) = 0.7 and the gap is 400·log10(0.7/0.3).
        let battles = [Battle.Winner.modelA, .modelA, .modelA, .tie, .modelB].map {
            Battle(modelA: "a", modelB: "b", winner: $0)
        }
        let ratings = try BradleyTerry().fit(battles).ratings
        let gap = 400 * log10(0.7 / 0.3)
        #expect(abs(ratings["a"]! - (1000 + gap / 2)) < 1e-9)
        #expect(abs(ratings["b"]! - (1000 - gap / 2)) < 1e-9)
    }

    @Test func orderAndPresentationSideDoNotMatter() throws {
        let battles = simulatedBattles(strengths: ["x": 1000, "y": 1100, "z": 900], count: 90, seed: 5)
        let flipped = battles.reversed().map { battle -> Battle in
            let winner: Battle.Winner = switch battle.winner { case .modelA: .modelB; case .modelB: .modelA; case .tie: .tie }
            return Battle(modelA: battle.modelB, modelB: battle.modelA, winner: winner)
        }
        let a = try BradleyTerry().fit(battles).ratings
        let b = try BradleyTerry().fit(flipped).ratings
        for (model, value) in a { #expect(abs(b[model]! - value) < 1e-9) }
    }

    @Test func aModelThatNeverLosesOrNeverWinsStaysFinite() throws {
        var battles = simulatedBattles(strengths: ["m": 1000, "n": 1050, "o": 950], count: 60, seed: 8)
        for opponent in ["m", "n", "o"] {
            battles.append(Battle(modelA: "champion", modelB: opponent, winner: .modelA))
            battles.append(Battle(modelA: opponent, modelB: "champion", winner: .modelB))
            battles.append(Battle(modelA: "doormat", modelB: opponent, winner: .modelB))
        }
        let fit = try BradleyTerry().fit(battles)
        #expect(fit.regularized)
        #expect(fit.values.allSatisfy { $0.isFinite })
        let ranked = fit.ratings.sorted { $0.value > $1.value }.map(\.key)
        #expect(ranked.first == "champion" && ranked.last == "doormat")
        // Without the fallback, the likelihood would keep rising as the champion's rating grows.
        let ordinary = try BradleyTerry().fit(Array(battles.prefix(60)))
        #expect(!ordinary.regularized)
    }

    @Test func modelsThatNeverMeetAreRegularized() throws {
        let battles = [
            Battle(modelA: "a", modelB: "b", winner: .modelA), Battle(modelA: "a", modelB: "b", winner: .modelB),
            Battle(modelA: "c", modelB: "d", winner: .modelA), Battle(modelA: "c", modelB: "d", winner: .tie),
        ]
        let fit = try BradleyTerry().fit(battles)
        #expect(fit.regularized && fit.values.allSatisfy { $0.isFinite })
        #expect(fit.ratings["c"]! > fit.ratings["d"]!)
        #expect(abs(fit.ratings["a"]! - fit.ratings["b"]!) < 1e-9)
    }

    @Test func bootstrapIsSeededAndBracketsTheFit() throws {
        let battles = simulatedBattles(strengths: ["strong": 1200, "middle": 1000, "weak": 800], count: 300, seed: 12)
        let bt = BradleyTerry()
        let first = try bt.bootstrap(battles, samples: 300, seed: 5)
        #expect(try bt.bootstrap(battles, samples: 300, seed: 5) == first)
        #expect(try bt.bootstrap(battles, samples: 300, seed: 6) != first)
        let point = try bt.fit(battles).ratings
        for (model, estimate) in first {
            #expect(estimate.rating == point[model])
            let interval = try #require(estimate.interval)
            #expect(interval.contains(estimate.rating) && interval.upper - interval.lower > 1, "\(model)")
        }
        #expect(first["strong"]!.interval!.lower > first["middle"]!.interval!.upper)
        #expect(first["middle"]!.interval!.lower > first["weak"]!.interval!.upper)
    }

    @Test func bootstrapSurvivesResamplesWithoutAFiniteMaximum() throws {
        // Five battles: many resamples leave a model unbeaten or missing entirely.
        let battles = [
            Battle(modelA: "a", modelB: "b", winner: .modelA), Battle(modelA: "b", modelB: "c", winner: .modelA),
            Battle(modelA: "c", modelB: "a", winner: .modelA), Battle(modelA: "a", modelB: "c", winner: .tie),
            Battle(modelA: "b", modelB: "a", winner: .tie),
        ]
        let estimates = try BradleyTerry().bootstrap(battles, samples: 200, seed: 1)
        #expect(estimates.values.allSatisfy { $0.rating.isFinite && $0.interval != nil })
    }
}
