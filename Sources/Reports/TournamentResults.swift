import Lineage

/// A tournament between an experiment's cells: its ratings (best first) and every judgment.
public struct TournamentResults: Sendable, Equatable {
    /// The tournament id.
    public var id: String
    /// Ratings, best first.
    public var ratings: [RatingRecord]
    /// Judgments, in recording order.
    public var judgments: [JudgmentRecord]

    /// A tournament's results.
    public init(id: String, ratings: [RatingRecord], judgments: [JudgmentRecord]) {
        self.id = id
        self.ratings = ratings
        self.judgments = judgments
    }

    /// The share of decided judgments between `cell` and `opponent` that `cell` won, a tie counting half
    /// (failed judgments left out); nil when they never met.
    public func winRate(_ cell: String, against opponent: String) -> Double? {
        var score = 0.0, games = 0
        for j in judgments where j.winner != .failed {
            if j.cellA == cell && j.cellB == opponent {
                score += j.winner == .a ? 1 : j.winner == .tie ? 0.5 : 0
            } else if j.cellA == opponent && j.cellB == cell {
                score += j.winner == .b ? 1 : j.winner == .tie ? 0.5 : 0
            } else {
                continue
            }
            games += 1
        }
        return games == 0 ? nil : score / Double(games)
    }

    /// The rating methods present, in first-seen order.
    public var methods: [String] {
        var seen: [String] = []
        for r in ratings where !seen.contains(r.method) { seen.append(r.method) }
        return seen
    }
}
