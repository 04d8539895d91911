import Foundation
import Testing
@testable import Evaluation

struct RandomOrderingEloTests {
    static let strengths = ["strong": 1200.0, "middle": 1000, "weak": 850, "weakest": 700]
    static let battles = simulatedBattles(strengths: strengths, count: 400, seed: 7)

    @Test func sameSeedSameResult() throws {
        let elo = RandomOrderingElo(orderings: 500, seed: 3)
        #expect(try elo.ratings(Self.battles) == elo.ratings(Self.battles))
        let other = RandomOrderingElo(orderings: 500, seed: 4)
        #expect(try elo.ratings(Self.battles) != other.ratings(Self.battles))
    }

    @Test func earlierOrderingsDoNotDependOnHowManyAreDrawn() throws {
        // Every ordering has its own stream, so a one-ordering run plays ordering 0 of a two-ordering run.
        let one = try RandomOrderingElo(orderings: 1, seed: 9).ratings(Self.battles)
        let two = try RandomOrderingElo(orderings: 2, seed: 9).ratings(Self.battles)
        for (model, estimate) in one {
            #expect(estimate.interval == RatingInterval(lower: estimate.rating, upper: estimate.rating))
            // Recover ordering 1 from the mean, then check the interval that the pair of them implies.
            let first = estimate.rating, second = 2 * two[model]!.rating - first
            let low = min(first, second), spread = abs(second - first)
            let interval = try #require(two[model]!.interval)
            #expect(abs(interval.lower - (low + 0.025 * spread)) < 1e-9, "\(model)")
            #expect(abs(interval.upper - (low + 0.975 * spread)) < 1e-9, "\(model)")
        }
    }

    @Test func intervalsContainTheMeanAndStrongerRanksHigher() throws {
        let ratings = try RandomOrderingElo(orderings: 2000, seed: 1).ratings(Self.battles)
        for (model, estimate) in ratings {
            let interval = try #require(estimate.interval)
            #expect(interval.contains(estimate.rating), "\(model)")
            #expect(interval.lower < interval.upper, "\(model)")
        }
        let ranked = ratings.sorted { $0.value.rating > $1.value.rating }.map(\.key)
        #expect(ranked == ["strong", "middle", "weak", "weakest"])
        // Elo is zero-sum: the mean over orderings keeps the average at the initial rating.
        let mean = ratings.values.map(\.rating).reduce(0, +) / Double(ratings.count)
        #expect(abs(mean - 1000) < 1e-9)
    }

    @Test func theMeanDoesNotDependOnTheFileOrder() throws {
        // Uniform random orderings of a list and of its reverse are the same distribution; only sampling
        // noise separates the two means.
        let elo = RandomOrderingElo(orderings: 4000, seed: 11)
        let forward = try elo.ratings(Self.battles)
        let backward = try elo.ratings(Self.battles.reversed())
        for model in Self.strengths.keys {
            #expect(abs(forward[model]!.rating - backward[model]!.rating) < 2, "\(model)")
        }
        // ... whereas one pass in file order and one in reverse order differ by much more than that.
        let once = try SequentialElo().ratings(Self.battles)
        let onceReversed = try SequentialElo().ratings(Self.battles.reversed())
        #expect(Self.strengths.keys.contains { abs(once[$0]! - onceReversed[$0]!) > 5 })
    }

    @Test func percentilesInterpolateLikeNumpy() {
        // np.percentile(np.arange(1, 12), [2.5, 97.5]) == [1.25, 10.75]
        let interval = RatingInterval.percentile95(of: (1...11).map(Double.init).shuffled())
        #expect(interval == RatingInterval(lower: 1.25, upper: 10.75))
        #expect(RatingInterval.percentile95(of: []) == nil)
    }

    @Test func zeroOrderingsAreRejected() {
        #expect(throws: RatingError.self) { try RandomOrderingElo(orderings: 0).ratings(Self.battles) }
    }

    @Test func animaRoundsAreDistinctSeededBattles() throws {
        let rounds = RandomRoundsElo(rounds: 300, seed: 42)
        let drawn = try rounds.drawnRounds(battleCount: Self.battles.count)
        #expect(drawn.count == 300 && Set(drawn).count == 300 && drawn.allSatisfy { (0..<400).contains($0) })
        #expect(try rounds.drawnRounds(battleCount: 400) == drawn)
        #expect(try RandomRoundsElo(rounds: 300, seed: 43).drawnRounds(battleCount: 400) != drawn)
        // The pass is plain sequential Elo over the drawn battles in drawn order.
        let expected = try SequentialElo().ratings(drawn.map { Self.battles[$0] })
        let ratings = try rounds.ratings(Self.battles)
        for (model, value) in expected { #expect(ratings[model] == value) }
        // All the battles drawn: a permutation.
        #expect(try RandomRoundsElo(rounds: 400).drawnRounds(battleCount: 400).sorted() == Array(0..<400))
    }

    @Test func moreRoundsThanBattlesIsAnError() {
        #expect(throws: RatingError.self) { try RandomRoundsElo(rounds: 401).ratings(Self.battles) }
        #expect(throws: RatingError.self) { try RandomRoundsElo(rounds: 0).ratings(Self.battles) }
    }
}
