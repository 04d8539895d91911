import Foundation
import Tensors

/// Bradley–Terry ratings by maximum likelihood, on the Elo scale.
///
/// Model i beats model j with probability 1 / (1 + base^((R_j − R_i) / scale)); a tie counts as half a win
/// to each side. Unlike sequential Elo the result does not depend on the order of the battles. Ratings are
/// shifted so that their mean is `centre`, since the likelihood only sees differences.
///
/// When the maximum is at infinity — some group of models never loses to the others (for instance a model
/// that never loses, or one that never wins), or two groups never meet — there is no maximum-likelihood
/// rating. Then, and only then, each model is also given `fallbackTies` virtual ties against a phantom
/// opponent at the centre: a weak prior that keeps every rating finite (a model that wins all of its 100
/// battles lands roughly 900 points above its opponents with the default of one tie) and is reported in
/// `BradleyTerryFit.regularized`.
public struct BradleyTerry: Sendable, Hashable {
    /// Rating points per factor of `base` in the odds.
    public var scale: Double
    /// The base of the logistic curve.
    public var base: Double
    /// The mean rating the fit is shifted to.
    public var centre: Double
    /// Newton stops when no rating moves by more than this many rating points.
    public var tolerance: Double
    /// Newton gives up (with an error) after this many iterations.
    public var maxIterations: Int
    /// Virtual ties per model against a phantom at the centre, used only when no finite maximum exists.
    public var fallbackTies: Double

    /// The Elo scale of the Chatbot Arena leaderboard: base 10, scale 400, centred on 1000.
    public init(
        scale: Double = 400, base: Double = 10, centre: Double = 1000,
        tolerance: Double = 1e-9, maxIterations: Int = 200, fallbackTies: Double = 1
    ) {
        self.scale = scale
        self.base = base
        self.centre = centre
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.fallbackTies = fallbackTies
    }

    /// The maximum-likelihood ratings of every model in `battles`.
    public func fit(_ battles: [Battle]) throws(RatingError) -> BradleyTerryFit {
        try validate()
        return try fit(PairwiseScores(IndexedBattles(battles)))
    }

    /// The maximum-likelihood ratings, each with the 2.5–97.5 percentile interval of `samples` bootstrap
    /// refits (battles resampled with replacement, drawn from `seed`).
    ///
    /// A model absent from a resample has no rating there; its interval comes from the resamples it is in.
    public func bootstrap(_ battles: [Battle], samples: Int = 1000, seed: UInt64 = 42) throws(RatingError)
        -> [String: RatingEstimate]
    {
        try validate()
        guard samples > 0 else { throw .invalidParameter("the number of bootstrap samples must be positive, not \(samples)") }
        let indexed = IndexedBattles(battles)
        let point = try fit(PairwiseScores(indexed))
        var draws = [[Double]](repeating: [], count: indexed.models.count)
        let root = SeededGenerator(seed: seed)
        var counts = [Int](repeating: 0, count: indexed.count)
        for s in 0..<samples {
            // One substream per resample, so resample s does not depend on how many are drawn.
            var generator = root.substream(UInt64(s))
            for k in counts.indices { counts[k] = 0 }
            for _ in 0..<indexed.count { counts[generator.index(below: indexed.count)] += 1 }
            let scores = PairwiseScores(indexed, counts: counts)
            let active = scores.activeModels
            let refit = try fit(scores.restricted(to: active))
            for (x, m) in active.enumerated() { draws[m].append(refit.values[x]) }
        }
        var result: [String: RatingEstimate] = [:]
        for (m, name) in indexed.models.enumerated() {
            result[name] = RatingEstimate(rating: point.ratings[name]!, interval: RatingInterval.percentile95(of: draws[m]))
        }
        return result
    }

    func validate() throws(RatingError) {
        guard base.isFinite, base > 1 else { throw .invalidParameter("the base must be greater than 1, not \(base)") }
        guard scale.isFinite, scale > 0 else { throw .invalidParameter("the scale must be positive, not \(scale)") }
        guard centre.isFinite else { throw .invalidParameter("the centre must be finite, not \(centre)") }
        guard tolerance > 0, maxIterations > 0 else { throw .invalidParameter("the tolerance and iteration limit must be positive") }
        guard fallbackTies.isFinite, fallbackTies > 0 else {
            throw .invalidParameter("the fallback ties must be positive, not \(fallbackTies)")
        }
    }

    func fit(_ scores: PairwiseScores) throws(RatingError) -> BradleyTerryFit {
        let n = scores.models.count
        // Work in natural-log strength θ = R · ln(base) / scale, where P(i beats j) = σ(θ_i − θ_j).
        let pointsPerUnit = scale / log(base)
        guard n > 1 else {
            return BradleyTerryFit(models: scores.models, values: [Double](repeating: centre, count: n), iterations: 0, regularized: false)
        }
        let regularized = !scores.hasFiniteMaximum
        let prior = regularized ? fallbackTies : 0
        var theta = [Double](repeating: 0, count: n)
        var current = logLikelihood(scores, theta, prior: prior)
        var iterations = 0
        var moved = Double.infinity
        while true {
            if iterations == maxIterations {
                throw .didNotConverge(iterations: iterations, lastStep: moved)
            }
            iterations += 1
            let step = try newtonStep(scores, theta, prior: prior)
            // Backtrack while the likelihood falls: the full Newton step can overshoot far from the maximum.
            // The slack of a few ulps lets the last, tiny steps through when rounding makes the change noise.
            var t = 1.0
            var candidate = zip(theta, step).map { $0 + $1 }
            var value = logLikelihood(scores, candidate, prior: prior)
            let slack = 1e-12 * max(1, abs(current))
            while value < current - slack && t > 1e-6 {
                t *= 0.5
                candidate = zip(theta, step).map { $0 + t * $1 }
                value = logLikelihood(scores, candidate, prior: prior)
            }
            moved = step.map { abs(t * $0) }.max()! * pointsPerUnit
            theta = candidate
            current = value
            if moved < tolerance { break }
        }
        let mean = theta.reduce(0, +) / Double(n)
        return BradleyTerryFit(
            models: scores.models, values: theta.map { ($0 - mean) * pointsPerUnit + centre },
            iterations: iterations, regularized: regularized
        )
    }

    private func logLikelihood(_ scores: PairwiseScores, _ theta: [Double], prior: Double) -> Double {
        let n = theta.count
        var total = 0.0
        for i in 0..<n {
            for j in 0..<n where i != j && scores[i, j] > 0 {
                total += scores[i, j] * logSigmoid(theta[i] - theta[j])
            }
            if prior > 0 { total += prior * 0.5 * (logSigmoid(theta[i]) + logSigmoid(-theta[i])) }
        }
        return total
    }

    /// The Newton step for the (concave) log-likelihood at `theta`.
    private func newtonStep(_ scores: PairwiseScores, _ theta: [Double], prior: Double) throws(RatingError) -> [Double] {
        let n = theta.count
        var gradient = [Double](repeating: 0, count: n)
        // The negated Hessian: a weighted graph Laplacian, plus the prior's diagonal when there is one.
        var curvature = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in (i + 1)..<n {
                let games = scores.battles(i, j)
                guard games > 0 else { continue }
                let p = sigmoid(theta[i] - theta[j])
                gradient[i] += scores[i, j] - games * p
                gradient[j] += scores[j, i] - games * (1 - p)
                let w = games * p * (1 - p)
                curvature[i * n + j] -= w
                curvature[j * n + i] -= w
                curvature[i * n + i] += w
                curvature[j * n + j] += w
            }
            if prior > 0 {
                let p = sigmoid(theta[i])
                gradient[i] += prior * (0.5 - p)
                curvature[i * n + i] += prior * p * (1 - p)
            }
        }
        if prior > 0 {
            guard let step = choleskySolve(curvature, gradient, n: n) else {
                throw .numericalFailure("the Bradley–Terry Hessian is not positive definite")
            }
            return step
        }
        // Without a prior the likelihood is flat along a common shift: hold the last model fixed and solve
        // for the others, which the strongly connected comparison graph makes positive definite.
        let m = n - 1
        var reduced = [Double](repeating: 0, count: m * m)
        for i in 0..<m { for j in 0..<m { reduced[i * m + j] = curvature[i * n + j] } }
        guard let step = choleskySolve(reduced, Array(gradient[0..<m]), n: m) else {
            throw .numericalFailure("the Bradley–Terry Hessian is not positive definite")
        }
        return step + [0]
    }
}

@inline(__always) private func sigmoid(_ x: Double) -> Double {
    x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
}

/// log σ(x), without the overflow of log(1 / (1 + exp(−x))) for large |x|.
@inline(__always) private func logSigmoid(_ x: Double) -> Double {
    x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x))
}
