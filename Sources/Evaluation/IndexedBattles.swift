/// Battles with model names replaced by indices, so that repeated passes touch only arrays.
struct IndexedBattles: Sendable {
    /// Model names, sorted, so that indices (and everything seeded over them) do not depend on file order.
    let models: [String]
    let a: [Int]
    let b: [Int]
    let scoreA: [Double]

    init(_ battles: [Battle]) {
        models = Array(Set(battles.flatMap { [$0.modelA, $0.modelB] })).sorted()
        let index = Dictionary(uniqueKeysWithValues: models.enumerated().map { ($1, $0) })
        a = battles.map { index[$0.modelA]! }
        b = battles.map { index[$0.modelB]! }
        scoreA = battles.map(\.winner.scoreA)
    }

    var count: Int { a.count }

    /// Ratings of `models` after playing the battles at `order` (indices into the battle list) in turn.
    /// Models that play none of them keep `parameters.initial`.
    func sequentialRatings<Order: Sequence<Int>>(_ parameters: EloParameters, order: Order) -> [Double] {
        var rating = [Double](repeating: parameters.initial, count: models.count)
        for battle in order {
            let i = a[battle], j = b[battle]
            // A model against itself carries no information (the file reader rejects such lines).
            if i == j { continue }
            let ra = rating[i], rb = rating[j]
            // Both expectations are computed from the ratings before the update, as the Vicuna code does.
            let ea = parameters.expectedScore(rating: ra, against: rb)
            let eb = parameters.expectedScore(rating: rb, against: ra)
            let s = scoreA[battle]
            rating[i] = ra + parameters.k * (s - ea)
            rating[j] = rb + parameters.k * ((1 - s) - eb)
        }
        return rating
    }

    func dictionary(_ values: [Double]) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: zip(models, values))
    }
}
