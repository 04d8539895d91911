import Tensors

/// Why generation ended.
public enum StopReason: String, Sendable, Codable {
    /// An end-of-sequence token was produced.
    case endOfSequence
    /// The caller's stop check matched (e.g. a stop string).
    case stopCondition
    /// `maxNewTokens` were produced.
    case length
}

/// Autoregressive generation with a key/value cache.
public struct Generator: Sendable {
    /// The model.
    public let model: LlamaModel
    /// Optional LoRA adapters.
    public let adapter: LoRAAdapter?

    /// A generator over `model` with optional adapters.
    public init(model: LlamaModel, adapter: LoRAAdapter? = nil) {
        self.model = model
        self.adapter = adapter
    }

    /// Generates up to `maxNewTokens` after `prompt`. `onToken` sees every new token as it comes and may
    /// return true to stop (stop strings); EOS ids (the model's, plus `stopTokens`) end generation.
    public func generate(prompt: [Int], maxNewTokens: Int, sampling: SamplingOptions = .greedy, stopTokens: Set<Int> = [],
                         onToken: (Int) -> Bool = { _ in false }) throws -> (tokens: [Int], reason: StopReason) {
        guard !prompt.isEmpty else { throw ForwardError(message: "the prompt is empty") }
        let capacity = min(model.ropePositions, prompt.count + maxNewTokens)
        guard prompt.count < capacity || maxNewTokens == 0 else {
            throw ForwardError(message: "the prompt (\(prompt.count) tokens) fills the model's context of \(model.ropePositions)")
        }
        let cache = KVCache(config: model.config, capacity: capacity)
        let scratch = Scratch()
        var sampler = Sampler(sampling)
        let stops = stopTokens.union(model.config.eosTokenIDs)
        var context = prompt
        var produced: [Int] = []
        var logits = try model.forward(tokens: prompt, batch: 1, sequence: prompt.count, adapter: adapter, cache: cache, scratch: scratch)
        let vocab = model.config.vocabSize
        while produced.count < maxNewTokens {
            let rows = logits.count / vocab
            let token = logits.scalars.withUnsafeBufferPointer {
                sampler.next(logits: UnsafeBufferPointer(rebasing: $0[((rows - 1) * vocab)..<(rows * vocab)]), context: context)
            }
            produced.append(token)
            context.append(token)
            if stops.contains(token) { return (produced, .endOfSequence) }
            if onToken(token) { return (produced, .stopCondition) }
            if produced.count == maxNewTokens || cache.length >= capacity { break }
            logits = try model.forward(tokens: [token], batch: 1, sequence: 1, adapter: adapter, cache: cache, scratch: scratch)
        }
        return (produced, .length)
    }
}
