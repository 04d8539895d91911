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

    /// One generation request of `generate(_:maxNewTokens:maxBatch:)`.
    public struct Request: Sendable {
        /// The prompt's token ids.
        public var prompt: [Int]
        /// How to pick each token (the sampler's seed makes each request's draws its own).
        public var sampling: SamplingOptions

        /// A request for `prompt` with `sampling`.
        public init(prompt: [Int], sampling: SamplingOptions = .greedy) {
            self.prompt = prompt
            self.sampling = sampling
        }
    }

    /// Generates for every request, several at once: requests whose prompts have the same length share a batch
    /// (up to `maxBatch`), so each step multiplies the weights once for all of them instead of once each.
    /// Each request keeps its own sampler and stops at its own end-of-sequence token or after `maxNewTokens`;
    /// results come back in request order. Within float rounding, every answer is what `generate` gives alone:
    /// a batch multiplies through SGEMM where a single sequence goes through a matrix-vector product, so the
    /// last bits of the logits may differ between the two.
    public func generate(_ requests: [Request], maxNewTokens: Int, maxBatch: Int = 16, stopTokens: Set<Int> = [])
        throws -> [(tokens: [Int], reason: StopReason)] {
        guard maxBatch >= 1 else { throw ForwardError(message: "a batch holds at least one sequence, not \(maxBatch)") }
        var results = [(tokens: [Int], reason: StopReason)](repeating: ([], .length), count: requests.count)
        // Same-length prompts together, in request order within each length.
        var byLength: [Int: [Int]] = [:]
        var lengths: [Int] = []
        for (i, r) in requests.enumerated() {
            guard !r.prompt.isEmpty else { throw ForwardError(message: "prompt \(i) is empty") }
            if byLength[r.prompt.count] == nil { lengths.append(r.prompt.count) }
            byLength[r.prompt.count, default: []].append(i)
        }
        let stops = stopTokens.union(model.config.eosTokenIDs)
        let vocab = model.config.vocabSize
        let scratch = Scratch()
        for length in lengths {
            let members = byLength[length]!
            for start in stride(from: 0, to: members.count, by: maxBatch) {
                let group = Array(members[start..<min(members.count, start + maxBatch)])
                let capacity = min(model.ropePositions, length + maxNewTokens)
                guard length < capacity || maxNewTokens == 0 else {
                    throw ForwardError(message: "the prompt (\(length) tokens) fills the model's context of \(model.ropePositions)")
                }
                let cache = KVCache(config: model.config, batch: group.count, capacity: capacity)
                var samplers = group.map { Sampler(requests[$0].sampling) }
                var contexts = group.map { requests[$0].prompt }
                var produced = [[Int]](repeating: [], count: group.count)
                var finished = [StopReason?](repeating: nil, count: group.count)
                var logits = try model.forward(tokens: contexts.flatMap { $0 }, batch: group.count, sequence: length, adapter: adapter,
                                               cache: cache, scratch: scratch, lastPositionOnly: true)
                while maxNewTokens > 0 {
                    var next: [Int] = []
                    for (row, _) in group.enumerated() {
                        guard finished[row] == nil else {
                            // A finished sequence rides along (its row is computed and ignored) until the batch ends.
                            next.append(contexts[row].last!)
                            continue
                        }
                        let token = logits.scalars.withUnsafeBufferPointer {
                            samplers[row].next(logits: UnsafeBufferPointer(rebasing: $0[(row * vocab)..<((row + 1) * vocab)]), context: contexts[row])
                        }
                        produced[row].append(token)
                        contexts[row].append(token)
                        next.append(token)
                        if stops.contains(token) { finished[row] = .endOfSequence }
                        else if produced[row].count == maxNewTokens || cache.length >= capacity { finished[row] = .length }
                    }
                    if !finished.contains(where: { $0 == nil }) { break }
                    logits = try model.forward(tokens: next, batch: group.count, sequence: 1, adapter: adapter, cache: cache, scratch: scratch)
                }
                for (row, index) in group.enumerated() { results[index] = (produced[row], finished[row] ?? .length) }
            }
        }
        return results
    }
}
