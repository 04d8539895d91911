import Tensors

/// A single sequential Elo pass over rounds drawn at random from the battles (Anima's 300-round tournament).
///
/// Anima drew each round uniformly and redrew any it had already used, so the rounds are distinct battles
/// in random order: a uniform random sample without replacement, which is what this draws.
public struct RandomRoundsElo: Sendable, Hashable {
    /// The constants of the pass.
    public var parameters: EloParameters
    /// How many rounds (distinct battles) to play.
    public var rounds: Int
    /// The seed the rounds are drawn from.
    public var seed: UInt64

    /// `rounds` battles drawn with `seed` (Anima used 300 and 42), played with `parameters`.
    public init(parameters: EloParameters = EloParameters(), rounds: Int = 300, seed: UInt64 = 42) {
        self.parameters = parameters
        self.rounds = rounds
        self.seed = seed
    }

    /// The battle indices played, in the order they are played.
    public func drawnRounds(battleCount: Int) throws(RatingError) -> [Int] {
        guard rounds > 0 else { throw .invalidParameter("the number of rounds must be positive, not \(rounds)") }
        guard rounds <= battleCount else {
            throw .notEnoughBattles("\(rounds) distinct rounds cannot be drawn from \(battleCount) battles")
        }
        var generator = SeededGenerator(seed: seed)
        var pool = Array(0..<battleCount)
        // A partial Fisher–Yates from the front: the first `rounds` slots become a uniform sample in random order.
        for i in 0..<rounds {
            let j = i + generator.index(below: battleCount - i)
            pool.swapAt(i, j)
        }
        return Array(pool[0..<rounds])
    }

    /// Each model's rating after the drawn rounds; a model never drawn keeps the initial rating.
    public func ratings(_ battles: [Battle]) throws(RatingError) -> [String: Double] {
        try parameters.validate()
        let indexed = IndexedBattles(battles)
        let order = try drawnRounds(battleCount: indexed.count)
        return indexed.dictionary(indexed.sequentialRatings(parameters, order: order))
    }
}
