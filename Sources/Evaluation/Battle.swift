/// One pairwise comparison between two models and its outcome.
public struct Battle: Sendable, Hashable, Codable {
    /// Which side a battle went to.
    public enum Winner: String, Sendable, Hashable, Codable, CaseIterable {
        case modelA = "model_a"
        case modelB = "model_b"
        case tie

        /// The score the first model earns: 1 for a win, 0 for a loss, 1/2 for a tie.
        public var scoreA: Double {
            switch self {
            case .modelA: 1
            case .modelB: 0
            case .tie: 0.5
            }
        }
    }

    /// The model presented first.
    public var modelA: String
    /// The model presented second.
    public var modelB: String
    /// Who won.
    public var winner: Winner

    /// A battle between `modelA` and `modelB` that `winner` took.
    public init(modelA: String, modelB: String, winner: Winner) {
        self.modelA = modelA
        self.modelB = modelB
        self.winner = winner
    }

    private enum CodingKeys: String, CodingKey {
        case modelA = "model_a"
        case modelB = "model_b"
        case winner
    }
}
