/// Both presentations of a pair on one prompt, judged as one comparison: the two orders are one sample of the
/// judge's preference on that prompt (shown both ways so that a preference for a position cancels), not two.
///
/// The contestant that sorts first takes its points over the orders that did not fail (a win 1, a tie ½) and
/// wins the comparison with more than half of them, loses it with less, ties it with exactly half: a win in one
/// order and a loss in the other is a tie, a win and a tie is a win. A pair whose every order failed has no
/// comparison on that prompt.
public enum PairedComparison {
    /// One comparison: the prompt and the battle (model A sorts before model B).
    public struct Comparison: Sendable, Hashable {
        public var promptID: String
        public var battle: Battle

        public init(promptID: String, battle: Battle) {
            self.promptID = promptID
            self.battle = battle
        }
    }

    /// The comparisons of `judgments`, in the order each prompt and pair first appears.
    public static func comparisons(_ judgments: [TournamentJudgment]) -> [Comparison] {
        struct Key: Hashable { var prompt: String; var first: String; var second: String }
        var order: [Key] = []
        var points: [Key: (sum: Double, count: Int)] = [:]
        for j in judgments {
            let a = j.match.contestantA, b = j.match.contestantB
            let key = Key(prompt: j.match.promptID, first: min(a, b), second: max(a, b))
            if points[key] == nil {
                order.append(key)
                points[key] = (0, 0)
            }
            guard let battle = j.battle else { continue }
            // The points of the contestant that sorts first, whichever position it was shown in.
            let score = battle.modelA == key.first ? battle.winner.scoreA : 1 - battle.winner.scoreA
            points[key]!.sum += score
            points[key]!.count += 1
        }
        return order.compactMap { key in
            let p = points[key]!
            guard p.count > 0 else { return nil }
            let share = p.sum / Double(p.count)
            let winner: Battle.Winner = share > 0.5 ? .modelA : share < 0.5 ? .modelB : .tie
            return Comparison(promptID: key.prompt, battle: Battle(modelA: key.first, modelB: key.second, winner: winner))
        }
    }
}
