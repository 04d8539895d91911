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
    /// Prompts from a file in Vicuna's layout (JSON lines of `question_id`, `category`, `text`), the first
    /// `prompts` of them, instead of the held-out questions of the training data; the cell reads it, so it counts
    /// towards the cell's id.
    public var promptsFile: String?
    /// The untrained base answers too and is rated beside the cells (as every table of the paper starts from
    /// it): the grid's base as each cell loads it (quantized as the cell's settings say), without an adapter. Its
    /// answers are made once per base, before any training, and it enters the store as a contestant named
    /// `base-` and a hash of what it depends on.
    public var includeBase: Bool

    /// A tournament judged by `judge`, with the paper's constants unless given.
    public init(judge: Judge, prompts: Int = 80, orderings: Int = 10_000, seed: UInt64 = 42, bothOrders: Bool = true,
                kFactor: Double = 32, initialRating: Double = 1000, temperature: Double = 0.7, topP: Double = 0.9,
                maxNewTokens: Int = 256, promptsFile: String? = nil, includeBase: Bool = false) {
        self.promptsFile = promptsFile
        self.includeBase = includeBase
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

    private enum CodingKeys: String, CodingKey {
        case judge, prompts, orderings, seed, bothOrders, kFactor, initialRating, temperature, topP, maxNewTokens, promptsFile, includeBase
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        judge = try c.decode(Judge.self, forKey: .judge)
        prompts = try c.decode(Int.self, forKey: .prompts)
        orderings = try c.decode(Int.self, forKey: .orderings)
        seed = try c.decode(UInt64.self, forKey: .seed)
        bothOrders = try c.decode(Bool.self, forKey: .bothOrders)
        kFactor = try c.decode(Double.self, forKey: .kFactor)
        initialRating = try c.decode(Double.self, forKey: .initialRating)
        temperature = try c.decode(Double.self, forKey: .temperature)
        topP = try c.decode(Double.self, forKey: .topP)
        maxNewTokens = try c.decode(Int.self, forKey: .maxNewTokens)
        promptsFile = try c.decodeIfPresent(String.self, forKey: .promptsFile)
        includeBase = try c.decodeIfPresent(Bool.self, forKey: .includeBase) ?? false
    }

    /// Writes `promptsFile` and `includeBase` only when set, so that a tournament without them keeps the canonical
    /// JSON (hence the cell ids) it had before they existed.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(judge, forKey: .judge)
        try c.encode(prompts, forKey: .prompts)
        try c.encode(orderings, forKey: .orderings)
        try c.encode(seed, forKey: .seed)
        try c.encode(bothOrders, forKey: .bothOrders)
        try c.encode(kFactor, forKey: .kFactor)
        try c.encode(initialRating, forKey: .initialRating)
        try c.encode(temperature, forKey: .temperature)
        try c.encode(topP, forKey: .topP)
        try c.encode(maxNewTokens, forKey: .maxNewTokens)
        try c.encodeIfPresent(promptsFile, forKey: .promptsFile)
        if includeBase { try c.encode(true, forKey: .includeBase) }
    }

    /// A judge, by the name the evaluation code resolves; open-ended so that a new judge needs no change here.
    public struct Judge: RawRepresentable, Codable, Sendable, Equatable, Hashable, ExpressibleByStringLiteral {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { rawValue = value }

        /// Prefers the answer that matches the prompt's reference answer (ties when both or neither do).
        public static let reference = Judge(rawValue: "reference")
    }
}
