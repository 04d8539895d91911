/// The result of a Bradley–Terry fit.
public struct BradleyTerryFit: Sendable, Hashable {
    /// The models, sorted by name.
    public let models: [String]
    /// Ratings in the order of `models`.
    public let values: [Double]
    /// Newton iterations taken.
    public let iterations: Int
    /// True when no finite maximum existed and the fallback prior of virtual ties was used.
    public let regularized: Bool

    /// Each model's rating.
    public var ratings: [String: Double] { Dictionary(uniqueKeysWithValues: zip(models, values)) }
}
