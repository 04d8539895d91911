import Foundation

/// The constants of the linear-update Elo system.
public struct EloParameters: Sendable, Hashable, Codable {
    /// The largest change one battle can make to a rating.
    public var k: Double
    /// The rating a model has before its first battle.
    public var initial: Double
    /// The base of the logistic curve (10 in chess and in the QLoRA paper).
    public var base: Double
    /// Rating points per factor of `base` in the odds (400 in chess and in the QLoRA paper).
    public var scale: Double

    /// The QLoRA paper's constants: K 32, initial 1000, base 10, scale 400.
    public init(k: Double = 32, initial: Double = 1000, base: Double = 10, scale: Double = 400) {
        self.k = k
        self.initial = initial
        self.base = base
        self.scale = scale
    }

    /// The expected score of a model rated `rating` against one rated `opponent`.
    @inlinable
    public func expectedScore(rating: Double, against opponent: Double) -> Double {
        1 / (1 + pow(base, (opponent - rating) / scale))
    }

    /// Throws when a constant would make the ratings meaningless (non-finite, or a base or scale that is not positive).
    public func validate() throws(RatingError) {
        guard k.isFinite, k > 0 else { throw .invalidParameter("K must be a positive number, not \(k)") }
        guard initial.isFinite else { throw .invalidParameter("the initial rating must be finite, not \(initial)") }
        guard base.isFinite, base > 1 else { throw .invalidParameter("the base must be greater than 1, not \(base)") }
        guard scale.isFinite, scale > 0 else { throw .invalidParameter("the scale must be positive, not \(scale)") }
    }
}
