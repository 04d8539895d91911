import Foundation
import Support
import Tensors

/// The shape of a LLaMA-family decoder: what a Hugging Face `config.json` says about it.
public struct LlamaConfig: Codable, Sendable, Equatable {
    /// Width of the residual stream.
    public var hiddenSize: Int
    /// Number of decoder blocks.
    public var numHiddenLayers: Int
    /// Query heads.
    public var numAttentionHeads: Int
    /// Key/value heads (fewer than query heads for grouped-query attention).
    public var numKeyValueHeads: Int
    /// Width of one attention head.
    public var headDim: Int
    /// Width of the gated MLP.
    public var intermediateSize: Int
    /// Vocabulary size (rows of the embedding).
    public var vocabSize: Int
    /// RMSNorm epsilon (inside the square root).
    public var rmsNormEps: Double
    /// RoPE base frequency.
    public var ropeTheta: Double
    /// Longest sequence the model was trained for.
    public var maxPositionEmbeddings: Int
    /// Whether the output layer reuses the token embedding.
    public var tieWordEmbeddings: Bool
    /// Beginning-of-sequence token id, when the model has one.
    public var bosTokenID: Int?
    /// End-of-sequence token id(s); generation stops on any of them.
    public var eosTokenIDs: [Int]
    /// Padding token id, when the model has one.
    public var padTokenID: Int?
    /// The name of the model family whose block this is (`ModelFamily.name`; `family` looks it up).
    public var familyName: String = ModelFamily.llama.name
    /// Gemma 3's additions to the block, for a Gemma 3 model; nil for other blocks. Setting them makes the
    /// configuration a Gemma 3 one.
    public var gemma3: Gemma3Settings? {
        didSet { if gemma3 != nil { familyName = ModelFamily.gemma3.name } }
    }

    /// A configuration from its fields; `headDim` defaults to hidden / heads.
    public init(hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int, numKeyValueHeads: Int? = nil,
                headDim: Int? = nil, intermediateSize: Int, vocabSize: Int, rmsNormEps: Double = 1e-5,
                ropeTheta: Double = 10_000, maxPositionEmbeddings: Int = 2048, tieWordEmbeddings: Bool = false,
                bosTokenID: Int? = nil, eosTokenIDs: [Int] = [], padTokenID: Int? = nil) {
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.numKeyValueHeads = numKeyValueHeads ?? numAttentionHeads
        self.headDim = headDim ?? hiddenSize / max(1, numAttentionHeads)
        self.intermediateSize = intermediateSize
        self.vocabSize = vocabSize
        self.rmsNormEps = rmsNormEps
        self.ropeTheta = ropeTheta
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.tieWordEmbeddings = tieWordEmbeddings
        self.bosTokenID = bosTokenID
        self.eosTokenIDs = eosTokenIDs
        self.padTokenID = padTokenID
    }

    /// Query width: heads × head width.
    public var queryWidth: Int { numAttentionHeads * headDim }
    /// Key/value width: key/value heads × head width.
    public var keyValueWidth: Int { numKeyValueHeads * headDim }

    /// Checks that the numbers describe a model that can exist; throws naming the first bad field.
    public func validate(source: String) throws {
        func check(_ ok: Bool, _ field: String, _ why: String) throws {
            if !ok { throw LlamaConfigError(path: source, field: field, message: why) }
        }
        try check(hiddenSize > 0, "hidden_size", "must be positive")
        try check(numHiddenLayers > 0, "num_hidden_layers", "must be positive")
        try check(numAttentionHeads > 0, "num_attention_heads", "must be positive")
        try check(numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads == 0, "num_key_value_heads",
                  "\(numKeyValueHeads) must divide num_attention_heads \(numAttentionHeads)")
        try check(headDim > 0 && headDim % 2 == 0, "head_dim", "\(headDim) must be positive and even (RoPE rotates pairs)")
        try check(intermediateSize > 0, "intermediate_size", "must be positive")
        try check(vocabSize > 0, "vocab_size", "must be positive")
        try check(rmsNormEps > 0, "rms_norm_eps", "must be positive")
        try check(ropeTheta > 0, "rope_theta", "must be positive")
    }

    /// Architectures that share LLaMA's decoder exactly (no biases, SiLU-gated MLP, RMSNorm, RoPE).
    public static let supportedArchitectures: Set<String> = ["LlamaForCausalLM", "MistralForCausalLM"]
    /// `model_type` values of checkpoints with LLaMA's decoder.
    public static let supportedModelTypes: Set<String> = ["llama", "mistral"]

    /// Reads a Hugging Face `config.json`; anything this implementation would silently get wrong is an error.
    public static func load(path: String) throws -> LlamaConfig {
        let data: Data
        do { try RegularFile.check(path) } catch { throw LlamaConfigError(path: path, field: nil, message: error.message) }
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw LlamaConfigError(path: path, field: nil, message: "cannot read: \(error.localizedDescription)")
        }
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch {
            throw LlamaConfigError(path: path, field: nil, message: "not valid JSON")
        }
        return try parse(json, source: path)
    }

    /// Builds a configuration from a parsed `config.json` object, read by the family it names; `source` names it
    /// in errors.
    public static func parse(_ json: JSONValue, source: String) throws -> LlamaConfig {
        guard json.object != nil else { throw LlamaConfigError(path: source, field: nil, message: "not a JSON object") }
        return try ModelFamily.of(json, source: source).readConfig(json, source)
    }

    /// A LLaMA (or Mistral without sliding windows) `config.json`.
    static func parseLlama(_ json: JSONValue, source: String) throws -> LlamaConfig {
        let fields = ConfigFields(json: json, source: source)
        for key in ["attention_bias", "mlp_bias"] where json[key]?.bool == true {
            throw fields.fail(key, "biases are not supported")
        }
        if let tp = json["pretraining_tp"]?.int, tp != 1 {
            throw fields.fail("pretraining_tp", "\(tp) is not supported (1)")
        }
        if let window = json["sliding_window"], window != .null, json["use_sliding_window"]?.bool != false,
           json["model_type"]?.string == "mistral" {
            throw fields.fail("sliding_window", "sliding-window attention is not supported")
        }
        return try parseShape(json, source: source)
    }

    /// The fields every LLaMA-shaped decoder's `config.json` shares (widths, heads, SiLU, RoPE without scaling,
    /// special tokens), validated; the family's own checks come first.
    static func parseShape(_ json: JSONValue, source: String) throws -> LlamaConfig {
        let fields = ConfigFields(json: json, source: source)
        if let act = json["hidden_act"]?.string, act != "silu" {
            throw fields.fail("hidden_act", "\"\(act)\" is not supported (silu)")
        }

        // RoPE: transformers 5 nests theta and the scaling kind under rope_parameters; older files keep
        // rope_theta at the top level and scaling under rope_scaling.
        var theta = try fields.number("rope_theta") ?? 10_000
        for key in ["rope_parameters", "rope_scaling"] {
            guard let rope = json[key], rope != .null else { continue }
            guard rope.object != nil else { throw fields.fail(key, "is not an object") }
            if let t = try fields.number("rope_theta", in: rope) { theta = t }
            let kind = rope["rope_type"]?.string ?? rope["type"]?.string ?? "default"
            guard kind == "default" else {
                throw fields.fail("\(key).rope_type", "RoPE scaling \"\(kind)\" is not implemented (only default)")
            }
        }

        var eos: [Int] = []
        switch json["eos_token_id"] {
        case .integer(let i)?: eos = Int(exactly: i).map { [$0] } ?? []
        case .array(let a)?: eos = a.compactMap(\.int)
        default: break
        }
        let heads = try fields.int("num_attention_heads")
        let hidden = try fields.int("hidden_size")
        let config = LlamaConfig(
            hiddenSize: hidden,
            numHiddenLayers: try fields.int("num_hidden_layers"),
            numAttentionHeads: heads,
            numKeyValueHeads: try fields.optionalInt("num_key_value_heads"),
            headDim: try fields.optionalInt("head_dim"),
            intermediateSize: try fields.int("intermediate_size"),
            vocabSize: try fields.int("vocab_size"),
            rmsNormEps: try fields.number("rms_norm_eps") ?? 1e-6,
            ropeTheta: theta,
            maxPositionEmbeddings: try fields.optionalInt("max_position_embeddings") ?? 2048,
            tieWordEmbeddings: json["tie_word_embeddings"]?.bool ?? false,
            bosTokenID: try fields.optionalInt("bos_token_id"),
            eosTokenIDs: eos,
            padTokenID: try fields.optionalInt("pad_token_id")
        )
        try config.validate(source: source)
        return config
    }
}

/// A model configuration that cannot be used: names the file, the field and the reason.
public struct LlamaConfigError: Error, CustomStringConvertible, Sendable {
    /// The configuration file (or other source).
    public let path: String
    /// The offending field, when one is to blame.
    public let field: String?
    /// What is wrong.
    public let message: String

    public var description: String {
        if let field { return "\(path): field \"\(field)\": \(message)" }
        return "\(path): \(message)"
    }
}

/// Typed reads of a `config.json`'s fields, every error naming the file and the field.
struct ConfigFields {
    let json: JSONValue
    let source: String

    func fail(_ field: String, _ message: String) -> LlamaConfigError {
        LlamaConfigError(path: source, field: field, message: message)
    }

    /// A required integer.
    func int(_ key: String) throws -> Int {
        guard let v = json[key] else { throw fail(key, "missing") }
        guard let i = v.int else { throw fail(key, "is not an integer") }
        return i
    }

    /// An integer that may be absent or null.
    func optionalInt(_ key: String) throws -> Int? {
        guard let v = json[key], v != .null else { return nil }
        guard let i = v.int else { throw fail(key, "is not an integer") }
        return i
    }

    /// A finite number that may be absent or null, read from `object` (default: the file) and named `field` in errors.
    func number(_ key: String, in object: JSONValue? = nil, field: String? = nil) throws -> Double? {
        guard let v = (object ?? json)[key], v != .null else { return nil }
        guard let d = v.double, d.isFinite else { throw fail(field ?? key, "is not a number") }
        return d
    }
}
