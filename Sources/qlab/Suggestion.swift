/// "Did you mean": the candidate nearest to what was typed, when it is near enough to be a slip.
enum Suggestion {
    /// The candidate with the smallest edit distance to `typed` (ignoring case), if that distance is at most a
    /// quarter of the typed length (at least 1): a farther one would be a guess, not a slip.
    static func nearest(to typed: String, among candidates: [String]) -> String? {
        let limit = max(1, typed.count / 4)
        let scored = candidates.map { ($0, distance(typed.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= limit, best.0 != typed else { return nil }
        return best.0
    }

    /// The edit distance counting an insertion, a deletion, a substitution or a swap of two neighbours as 1 (the
    /// slips of typing: `smoek` is one from `smoke`).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        // d[i][j]: the distance between the first i characters of a and the first j of b.
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
