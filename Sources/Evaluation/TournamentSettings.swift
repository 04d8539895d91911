/// How a tournament is judged and rated; the defaults are the QLoRA paper's (§5.2, Table 1).
public struct TournamentSettings: Sendable, Hashable, Codable {
    /// The judge spec: `reference`, `command:PROG [ARGS]` or `human:FILE`.
    public var judge: String
    /// Random orderings the sequential Elo is averaged over (the paper: 10,000).
    public var orderings: Int
    /// The seed of every random draw: orderings, bootstrap resamples and rounds.
    public var seed: UInt64
    /// Elo's K (the paper: 32).
    public var k: Double
    /// Every contestant's rating before its first battle (the paper: 1000).
    public var initial: Double
    /// When set, also a single Elo pass over this many distinct battles drawn at random (Anima: 300).
    public var rounds: Int?
    /// When set, also Bradley–Terry ratings with this many bootstrap resamples for their intervals.
    public var bootstrapSamples: Int?
    /// When set, also Elo over the paired comparisons (both orders of a pair on a prompt as one) with intervals
    /// from this many bootstrap resamples of the prompts.
    public var promptBootstrap: Int?
    /// Judgments run at once; above 1 only pays for command judges that wait on something else.
    public var concurrency: Int
    /// Seconds a command judge may take for one judgment before it is killed.
    public var judgeTimeout: Double

    /// Settings with the paper's constants unless given.
    public init(judge: String = "reference", orderings: Int = 10_000, seed: UInt64 = 42, k: Double = 32,
                initial: Double = 1000, rounds: Int? = nil, bootstrapSamples: Int? = nil, concurrency: Int = 1,
                judgeTimeout: Double = 30, promptBootstrap: Int? = nil) {
        self.promptBootstrap = promptBootstrap
        self.judge = judge
        self.orderings = orderings
        self.seed = seed
        self.k = k
        self.initial = initial
        self.rounds = rounds
        self.bootstrapSamples = bootstrapSamples
        self.concurrency = concurrency
        self.judgeTimeout = judgeTimeout
    }

    /// The Elo constants: K and initial from here, base 10 and scale 400.
    public var eloParameters: EloParameters { EloParameters(k: k, initial: initial) }

    /// Throws when a count or a constant is out of range.
    public func validate() throws(TournamentError) {
        guard orderings > 0 else { throw .invalidSetting("orderings must be positive, not \(orderings)") }
        guard concurrency > 0 else { throw .invalidSetting("concurrency must be positive, not \(concurrency)") }
        // The upper bound keeps the conversion to a Duration in range; no judgment needs eleven days.
        guard judgeTimeout.isFinite, judgeTimeout > 0, judgeTimeout <= 1_000_000 else {
            throw .invalidSetting("the judge timeout must be between 0 and 1,000,000 seconds, not \(judgeTimeout)")
        }
        if let rounds, rounds <= 0 { throw .invalidSetting("rounds must be positive, not \(rounds)") }
        if let promptBootstrap, promptBootstrap <= 0 {
            throw .invalidSetting("prompt bootstrap samples must be positive, not \(promptBootstrap)")
        }
        if let bootstrapSamples, bootstrapSamples <= 0 {
            throw .invalidSetting("bootstrap samples must be positive, not \(bootstrapSamples)")
        }
        do {
            try eloParameters.validate()
        } catch {
            throw .invalidSetting(error.description)
        }
    }
}
