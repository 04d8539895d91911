/// Linear-update Elo over battles in the order given (the Vicuna benchmark's online Elo).
public struct SequentialElo: Sendable, Hashable {
    /// The constants of the update.
    public var parameters: EloParameters

    /// Elo with `parameters` (by default the QLoRA paper's K 32, initial 1000).
    public init(parameters: EloParameters = EloParameters()) {
        self.parameters = parameters
    }

    /// Each model's rating after playing `battles` in order; unseen models start at the initial rating.
    public func ratings(_ battles: [Battle]) throws(RatingError) -> [String: Double] {
        try parameters.validate()
        let indexed = IndexedBattles(battles)
        return indexed.dictionary(indexed.sequentialRatings(parameters, order: 0..<indexed.count))
    }
}
