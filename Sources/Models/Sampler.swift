import Tensors

#if canImport(Glibc)
import Glibc
#endif

/// How the next token is chosen from the logits.
public struct SamplingOptions: Sendable, Equatable, Codable {
    /// 0 picks the most likely token (greedy); otherwise logits are divided by it.
    public var temperature: Double = 0
    /// Keep only the k most likely tokens (0: all).
    public var topK: Int = 0
    /// Keep the smallest set of most likely tokens whose probability reaches p (1: all).
    public var topP: Double = 1
    /// Penalty > 1 discourages tokens already in the context (CTRL-style: divide positive logits, multiply negative).
    public var repetitionPenalty: Double = 1
    /// Seed of the sampling stream.
    public var seed: UInt64 = 0

    /// Greedy decoding.
    public static let greedy = SamplingOptions()

    /// The QLoRA paper's evaluation sampling: nucleus p 0.9, temperature 0.7.
    public static func paper(seed: UInt64) -> SamplingOptions {
        SamplingOptions(temperature: 0.7, topK: 0, topP: 0.9, repetitionPenalty: 1, seed: seed)
    }

    /// Options from their parts.
    public init(temperature: Double = 0, topK: Int = 0, topP: Double = 1, repetitionPenalty: Double = 1, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.repetitionPenalty = repetitionPenalty
        self.seed = seed
    }
}

/// Picks tokens from logits according to `SamplingOptions`, with its own seeded stream.
public struct Sampler: Sendable {
    /// The options in force.
    public let options: SamplingOptions
    private var rng: SeededGenerator

    /// A sampler whose random stream starts at `options.seed`.
    public init(_ options: SamplingOptions) {
        self.options = options
        rng = SeededGenerator(seed: options.seed)
    }

    /// The next token for one row of logits, given the tokens seen so far (for the repetition penalty).
    public mutating func next(logits input: UnsafeBufferPointer<Float>, context: [Int]) -> Int {
        var logits = Array(input)
        if options.repetitionPenalty != 1 {
            let penalty = Float(options.repetitionPenalty)
            for t in Set(context) where t >= 0 && t < logits.count {
                logits[t] = logits[t] > 0 ? logits[t] / penalty : logits[t] * penalty
            }
        }
        if options.temperature <= 0 {
            var best = 0
            for i in 1..<logits.count where logits[i] > logits[best] { best = i }
            return best
        }
        let t = Float(options.temperature)
        // Candidates sorted by logit, ties by id, so the draw does not depend on sort stability.
        var order = Array(0..<logits.count)
        order.sort { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
        if options.topK > 0 { order = Array(order.prefix(options.topK)) }
        let maximum = logits[order[0]] / t
        var probabilities = order.map { Double(expf(logits[$0] / t - maximum)) }
        let total = probabilities.reduce(0, +)
        probabilities = probabilities.map { $0 / total }
        if options.topP < 1 {
            var cumulative = 0.0
            var keep = 0
            for p in probabilities {
                cumulative += p
                keep += 1
                if cumulative >= options.topP { break }
            }
            order = Array(order.prefix(keep))
            probabilities = Array(probabilities.prefix(keep))
            let kept = probabilities.reduce(0, +)
            probabilities = probabilities.map { $0 / kept }
        }
        let u = rng.nextDouble()
        var cumulative = 0.0
        for (i, p) in probabilities.enumerated() {
            cumulative += p
            if u < cumulative { return order[i] }
        }
        return order[order.count - 1]
    }
}
