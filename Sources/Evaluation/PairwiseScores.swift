/// Scores between every pair of models: `score[i][j]` is what model i earned against model j
/// (a win 1, a tie 1/2 to each side), so `score[i][j] + score[j][i]` is the number of battles between them.
struct PairwiseScores: Sendable {
    let models: [String]
    /// Row-major, models.count × models.count.
    var score: [Double]

    init(models: [String]) {
        self.models = models
        score = [Double](repeating: 0, count: models.count * models.count)
    }

    init(_ battles: IndexedBattles, counts: [Int]? = nil) {
        self.init(models: battles.models)
        let n = models.count
        for k in 0..<battles.count {
            let weight = Double(counts?[k] ?? 1)
            if weight == 0 || battles.a[k] == battles.b[k] { continue }
            let s = battles.scoreA[k]
            score[battles.a[k] * n + battles.b[k]] += weight * s
            score[battles.b[k] * n + battles.a[k]] += weight * (1 - s)
        }
    }

    subscript(i: Int, j: Int) -> Double { score[i * models.count + j] }

    func battles(_ i: Int, _ j: Int) -> Double { self[i, j] + self[j, i] }

    /// The models that played at least one battle.
    var activeModels: [Int] {
        (0..<models.count).filter { i in (0..<models.count).contains { battles(i, $0) > 0 } }
    }

    /// The same scores restricted to `subset` (indices into `models`), in that order.
    func restricted(to subset: [Int]) -> PairwiseScores {
        var result = PairwiseScores(models: subset.map { models[$0] })
        let m = subset.count
        for (x, i) in subset.enumerated() {
            for (y, j) in subset.enumerated() { result.score[x * m + y] = self[i, j] }
        }
        return result
    }

    /// Whether every model scored against the rest and the rest scored against it, for every split of the
    /// models in two: the directed graph "i scored against j" is strongly connected. Exactly then does the
    /// Bradley–Terry likelihood have a finite maximum, unique up to a shift (Zermelo 1929; Ford 1957).
    var hasFiniteMaximum: Bool {
        let n = models.count
        guard n > 1 else { return true }
        func reachesAll(_ edge: (Int, Int) -> Bool) -> Bool {
            var seen = [Bool](repeating: false, count: n)
            var stack = [0]
            seen[0] = true
            while let i = stack.popLast() {
                for j in 0..<n where !seen[j] && edge(i, j) {
                    seen[j] = true
                    stack.append(j)
                }
            }
            return !seen.contains(false)
        }
        return reachesAll { self[$0, $1] > 0 } && reachesAll { self[$1, $0] > 0 }
    }
}
