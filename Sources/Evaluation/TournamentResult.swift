/// A tournament's judgments and the ratings computed from them, for the store and the report.
public struct TournamentResult: Sendable, Hashable, Codable {
    /// The settings the tournament ran with.
    public var settings: TournamentSettings
    /// The judge as the store names it (its canonical spec).
    public var judge: String
    /// Every contestant, sorted.
    public var contestants: [String]
    /// Prompts judged.
    public var promptCount: Int
    /// Every judgment, in schedule order, failed ones included.
    public var judgments: [TournamentJudgment]
    /// Sequential Elo averaged over `settings.orderings` random orderings, with 95% intervals.
    public var elo: [String: RatingEstimate]
    /// Bradley–Terry maximum-likelihood ratings with bootstrap intervals, when requested.
    public var bradleyTerry: [String: RatingEstimate]?
    /// Elo over the paired comparisons (both orders of a pair on a prompt as one) with prompt-bootstrap
    /// intervals, when `settings.promptBootstrap` asks for it.
    public var pairedElo: [String: RatingEstimate]? = nil
    /// The single Elo pass over `settings.rounds` random rounds, when requested.
    public var rounds: [String: Double]?
    /// Each contestant's share of the points against each opponent it met (a tie is half a point).
    public var winRates: [String: [String: Double]]
    /// Each contestant's wins, ties and losses.
    public var records: [String: BattleRecord]

    /// The battles the ratings were computed from: the judgments that did not fail.
    public var battles: [Battle] { judgments.compactMap(\.battle) }
    /// Judgments that failed; they are not in the ratings.
    public var failedJudgments: [TournamentJudgment] { judgments.filter(\.failed) }
    /// How many judgments failed.
    public var failedCount: Int { judgments.count(where: \.failed) }
    /// Contestants with no rating because every judgment they were in failed.
    public var unrated: [String] { contestants.filter { elo[$0] == nil } }
    /// Contestants by Elo, best first (name breaks ties so the order is stable); unrated ones last.
    public var ranking: [String] {
        contestants.sorted { x, y in
            let rx = elo[x]?.rating ?? -.infinity, ry = elo[y]?.rating ?? -.infinity
            return rx != ry ? rx > ry : x < y
        }
    }
    /// The share of points the answer shown first took, over judgments that did not fail: 0.5 means no
    /// position bias (which the both-orders schedule cancels in the ratings anyway).
    public var firstPositionScore: Double? {
        let scores = battles.map(\.winner.scoreA)
        return scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count)
    }
}
