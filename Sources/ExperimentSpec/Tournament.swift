/// A pairwise tournament between the experiment's cells, judged per prompt and rated with Elo.
///
/// The defaults are the QLoRA paper's (§5.2): start 1000, K 32, 10,000 random orderings of the comparisons,
/// both presentation orders (judges favour the first answer), nucleus sampling p 0.9 at temperature 0.7.
public struct Tournament: Codable, Sendable, Equatable, Hashable, EvaluationComponent {
    /// Who decides each comparison.
    public var judge: Judge
    /// Held-out prompts every contestant answers.
    public var prompts: Int
    /// Random orderings the Elo ratings are averaged over.
    public var orderings: Int
    /// Seed of the orderings (and of the prompt draw).
    public var seed: UInt64
    /// Judge every pair in both presentation orders.
    public var bothOrders: Bool
    /// Elo's K.
    public var kFactor: Double
    /// Every contestant's rating before the first comparison.
    public var initialRating: Double
    /// Sampling temperature of the answers.
    public var temperature: Double
    /// Nucleus-sampling threshold of the answers.
    public var topP: Double
    /// Longest answer, in tokens.
    public var maxNewTokens: Int

    /// A tournament judged by `judge`, with the paper's constants unless given.
    public init(judge: Judge, prompts: Int = 80, orderings: Int = 10_000, seed: UInt64 = 42, bothOrders: Bool = true,
                kFactor: Double = 32, initialRating: Double = 1000, temperature: Double = 0.7, topP: Double = 0.9,
                maxNewTokens: Int = 256) {
        self.judge = judge
        self.prompts = prompts
        self.orderings = orderings
        self.seed = seed
        self.bothOrders = bothOrders
        self.kFactor = kFactor
        self.initialRating = initialRating
        self.temperature = temperature
        self.topP = topP
        self.maxNewTokens = maxNewTokens
    }

    public func add(to settings: inout EvaluationSettings) { settings.tournament = self }

    /// A judge, by the name the evaluation code resolves; open-ended so that a new judge needs no change here.
    public struct Judge: RawRepresentable, Codable, Sendable, Equatable, Hashable, ExpressibleByStringLiteral {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { rawValue = value }

        /// Prefers the answer that matches the prompt's reference answer (ties when both or neither do).
        public static let reference = Judge(rawValue: "reference")
    }
}
