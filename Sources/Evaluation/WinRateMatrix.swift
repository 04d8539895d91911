/// Head-to-head win rates between every pair of models, a tie counting as half a win to each side.
public struct WinRateMatrix: Sendable, Hashable {
    /// The models, sorted by name; rows and columns follow this order.
    public let models: [String]
    private let scores: [Double]
    private let games: [Int]

    /// The matrix of `battles`, whichever side each model was presented on.
    public init(_ battles: [Battle]) {
        let indexed = IndexedBattles(battles)
        let pairwise = PairwiseScores(indexed)
        let n = indexed.models.count
        models = indexed.models
        scores = pairwise.score
        var games = [Int](repeating: 0, count: n * n)
        for k in 0..<indexed.count {
            games[indexed.a[k] * n + indexed.b[k]] += 1
            games[indexed.b[k] * n + indexed.a[k]] += 1
        }
        self.games = games
    }

    /// The number of battles between `model` and `opponent`.
    public func battles(_ model: String, _ opponent: String) -> Int {
        guard let i = models.firstIndex(of: model), let j = models.firstIndex(of: opponent) else { return 0 }
        return games[i * models.count + j]
    }

    /// The share of battles against `opponent` that `model` won (ties as half), or nil if they never met.
    public func winRate(_ model: String, against opponent: String) -> Double? {
        guard let i = models.firstIndex(of: model), let j = models.firstIndex(of: opponent) else { return nil }
        let n = games[i * models.count + j]
        return n == 0 ? nil : scores[i * models.count + j] / Double(n)
    }
}
