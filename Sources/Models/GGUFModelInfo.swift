import GGUF

/// A LLaMA-architecture model's configuration as read from GGUF metadata, named after Hugging Face's config.json.
public struct GGUFModelInfo: Sendable, Equatable {
    /// `general.architecture` (e.g. "llama"); the prefix of the model's keys.
    public var architecture: String
    /// Width of the residual stream (`{arch}.embedding_length`).
    public var hiddenSize: Int
    /// Number of decoder layers (`{arch}.block_count`).
    public var numHiddenLayers: Int
    /// Query heads (`{arch}.attention.head_count`).
    public var numAttentionHeads: Int
    /// Key/value heads (`{arch}.attention.head_count_kv`, equal to the query heads when absent).
    public var numKeyValueHeads: Int
    /// Width of the MLP (`{arch}.feed_forward_length`).
    public var intermediateSize: Int
    /// Tokens in the vocabulary (`tokenizer.ggml.tokens`, else `{arch}.vocab_size`, else the embedding's rows).
    public var vocabSize: Int
    /// RMSNorm epsilon (`{arch}.attention.layer_norm_rms_epsilon`, a float32 in the file).
    public var rmsNormEps: Double
    /// RoPE base (`{arch}.rope.freq_base`, 10,000 when absent as in llama.cpp).
    public var ropeTheta: Double
    /// Width of one head (`{arch}.attention.key_length`, else hiddenSize / numAttentionHeads).
    public var headDim: Int
    /// Dimensions of each head that RoPE rotates (`{arch}.rope.dimension_count`, else headDim).
    public var ropeDimensionCount: Int
    /// Trained context (`{arch}.context_length`).
    public var maxPositionEmbeddings: Int
    /// True when the file has no `output.weight`: the output layer reuses the token embedding.
    public var tieWordEmbeddings: Bool
    /// `tokenizer.ggml.bos_token_id`, when present.
    public var bosTokenId: Int?
    /// `tokenizer.ggml.eos_token_id`, when present.
    public var eosTokenId: Int?

    /// Reads and checks the configuration of `file`; errors name the missing or inconsistent key.
    public init(file: GGUFFile) throws {
        let path = file.path
        guard let architecture = file.metadata["general.architecture"]?.string else {
            throw GGUFError(path: path, key: "general.architecture", message: "missing or not a string")
        }
        self.architecture = architecture
        func integer(_ suffix: String, default fallback: Int? = nil) throws -> Int {
            let key = "\(architecture).\(suffix)"
            guard let value = file.metadata[key] else {
                if let fallback { return fallback }
                throw GGUFError(path: path, key: key, message: "missing")
            }
            guard let int = value.int, int > 0 else { throw GGUFError(path: path, key: key, message: "is \(value), not a positive integer") }
            return int
        }
        func real(_ suffix: String, default fallback: Double? = nil) throws -> Double {
            let key = "\(architecture).\(suffix)"
            guard let value = file.metadata[key] else {
                if let fallback { return fallback }
                throw GGUFError(path: path, key: key, message: "missing")
            }
            guard let real = value.double, real.isFinite, real > 0 else {
                throw GGUFError(path: path, key: key, message: "is \(value), not a positive number")
            }
            return real
        }
        hiddenSize = try integer("embedding_length")
        numHiddenLayers = try integer("block_count")
        numAttentionHeads = try integer("attention.head_count")
        numKeyValueHeads = try integer("attention.head_count_kv", default: numAttentionHeads)
        intermediateSize = try integer("feed_forward_length")
        maxPositionEmbeddings = try integer("context_length")
        rmsNormEps = try real("attention.layer_norm_rms_epsilon")
        ropeTheta = try real("rope.freq_base", default: 10_000)
        guard numAttentionHeads % numKeyValueHeads == 0 else {
            throw GGUFError(path: path, key: "\(architecture).attention.head_count_kv",
                            message: "\(numKeyValueHeads) key/value heads do not divide \(numAttentionHeads) query heads")
        }
        if file.metadata["\(architecture).attention.key_length"] != nil {
            headDim = try integer("attention.key_length")
        } else {
            guard hiddenSize % numAttentionHeads == 0 else {
                throw GGUFError(path: path, key: "\(architecture).attention.head_count",
                                message: "\(numAttentionHeads) heads do not divide the hidden size \(hiddenSize)")
            }
            headDim = hiddenSize / numAttentionHeads
        }
        ropeDimensionCount = try integer("rope.dimension_count", default: headDim)
        guard ropeDimensionCount <= headDim, ropeDimensionCount % 2 == 0 else {
            throw GGUFError(path: path, key: "\(architecture).rope.dimension_count",
                            message: "\(ropeDimensionCount) is odd or wider than a head (\(headDim))")
        }

        if let tokens = file.metadata["tokenizer.ggml.tokens"] {
            guard let list = tokens.strings, !list.isEmpty else {
                throw GGUFError(path: path, key: "tokenizer.ggml.tokens", message: "is not a non-empty array of strings")
            }
            vocabSize = list.count
        } else if file.metadata["\(architecture).vocab_size"] != nil {
            vocabSize = try integer("vocab_size")
        } else if let embedding = try? file.tensorInfo("token_embd.weight"), embedding.dimensions.count == 2 {
            vocabSize = embedding.dimensions[1]
        } else {
            throw GGUFError(path: path, key: "tokenizer.ggml.tokens", message: "missing, and no vocab_size or token embedding to count from")
        }
        tieWordEmbeddings = !file.contains(tensor: "output.weight")
        bosTokenId = file.metadata["tokenizer.ggml.bos_token_id"]?.int
        eosTokenId = file.metadata["tokenizer.ggml.eos_token_id"]?.int
    }
}
