import Foundation
import Support
import Tensors

/// Reads a Hugging Face Gemma 3 text checkpoint (`model_type` `gemma3_text`, `Gemma3ForCausalLM`): its
/// `config.json` into a `LlamaConfig` carrying `Gemma3Settings`, and its tensors into a `LlamaModel`.
///
/// Hugging Face stores each Gemma norm weight as w (the model multiplies by 1 + w); the model here holds 1 + w,
/// as the GGUF converter writes it. Its block norms map as: `input_layernorm` → `inputNorm`,
/// `pre_feedforward_layernorm` → `postAttentionNorm` (the norm before the MLP), `post_attention_layernorm` and
/// `post_feedforward_layernorm` → the attention and MLP output norms, `self_attn.q_norm`/`k_norm` → the head norms.
public enum Gemma3HuggingFace {
    /// The `model_type` of a Gemma 3 text checkpoint.
    public static let modelType = "gemma3_text"
    /// The `architectures` entry of a Gemma 3 text checkpoint.
    public static let architecture = "Gemma3ForCausalLM"

    /// Whether a parsed `config.json` describes a Gemma 3 text model.
    public static func describes(_ json: JSONValue) -> Bool {
        json["model_type"]?.string == modelType || (json["architectures"]?.array?.compactMap(\.string).contains(architecture) ?? false)
    }

    /// The configuration a Gemma 3 `config.json` describes; anything this implementation would compute
    /// differently (soft-capping, RoPE scaling, another activation, bidirectional attention) is an error.
    public static func config(_ json: JSONValue, source: String) throws -> LlamaConfig {
        let fields = ConfigFields(json: json, source: source)
        if let type = json["model_type"]?.string, type != modelType {
            throw fields.fail("model_type", "\"\(type)\" is not \(modelType)")
        }
        let activation = json["hidden_activation"]?.string ?? json["hidden_act"]?.string ?? "gelu_pytorch_tanh"
        guard activation == "gelu_pytorch_tanh" else {
            throw fields.fail("hidden_activation", "\"\(activation)\" is not supported (gelu_pytorch_tanh)")
        }
        for key in ["final_logit_softcapping", "attn_logit_softcapping"] {
            if let v = json[key], v != .null { throw fields.fail(key, "logit soft-capping (\(v)) is not supported (Gemma 3 has none)") }
        }
        if json["attention_bias"]?.bool == true { throw fields.fail("attention_bias", "biases are not supported") }
        if json["use_bidirectional_attention"]?.bool == true {
            throw fields.fail("use_bidirectional_attention", "bidirectional attention is not supported (a causal language model is)")
        }
        let layers = try fields.int("num_hidden_layers")
        guard let window = try fields.optionalInt("sliding_window"), window > 0 else {
            throw fields.fail("sliding_window", "missing or not a positive integer")
        }
        let scalar = try fields.number("query_pre_attn_scalar") ?? 256
        guard scalar > 0 else { throw fields.fail("query_pre_attn_scalar", "must be positive") }

        // Which layers are global: layer_types (transformers 5), else every sliding_window_pattern-th layer.
        var every: Int
        if let types = json["layer_types"], types != .null {
            guard let names = types.array?.compactMap(\.string), names.count == types.array?.count, names.count == layers else {
                throw fields.fail("layer_types", "must list one attention type per layer (\(layers))")
            }
            if let bad = names.first(where: { $0 != "full_attention" && $0 != "sliding_attention" }) {
                throw fields.fail("layer_types", "\"\(bad)\" is not full_attention or sliding_attention")
            }
            every = (names.firstIndex(of: "full_attention") ?? layers) + 1
            let settings = Gemma3Settings(slidingWindow: window, globalLayerEvery: every, queryScale: 1)
            if let l = (0..<layers).first(where: { settings.isGlobal(layer: $0) != (names[$0] == "full_attention") }) {
                throw fields.fail("layer_types", "layer \(l) breaks the pattern of one global layer every \(every) (only such patterns are supported)")
            }
        } else {
            every = try fields.optionalInt("sliding_window_pattern") ?? fields.optionalInt("_sliding_window_pattern") ?? 6
            guard every >= 1 else { throw fields.fail("sliding_window_pattern", "must be positive") }
        }

        // RoPE: transformers 5 nests one set of parameters per attention type; older files keep rope_theta,
        // rope_local_base_freq and rope_scaling at the top level.
        var globalTheta = try fields.number("rope_theta") ?? 1_000_000
        var localTheta = try fields.number("rope_local_base_freq") ?? 10_000
        func checkKind(_ rope: JSONValue, _ field: String) throws {
            let kind = rope["rope_type"]?.string ?? rope["type"]?.string ?? "default"
            guard kind == "default" else { throw fields.fail(field, "RoPE scaling \"\(kind)\" is not implemented (only default)") }
        }
        if let scaling = json["rope_scaling"], scaling != .null {
            guard scaling.object != nil else { throw fields.fail("rope_scaling", "is not an object") }
            try checkKind(scaling, "rope_scaling")
        }
        if let rope = json["rope_parameters"], rope != .null {
            guard rope.object != nil else { throw fields.fail("rope_parameters", "is not an object") }
            if rope["full_attention"] != nil || rope["sliding_attention"] != nil {
                for (kind, key) in [("full_attention", true), ("sliding_attention", false)] {
                    guard let part = rope[kind], part != .null else { continue }
                    guard part.object != nil else { throw fields.fail("rope_parameters.\(kind)", "is not an object") }
                    try checkKind(part, "rope_parameters.\(kind).rope_type")
                    if let t = try fields.number("rope_theta", in: part, field: "rope_parameters.\(kind).rope_theta") {
                        if key { globalTheta = t } else { localTheta = t }
                    }
                }
            } else {
                try checkKind(rope, "rope_parameters.rope_type")
                if let t = try fields.number("rope_theta", in: rope, field: "rope_parameters.rope_theta") { globalTheta = t }
            }
        }
        guard globalTheta > 0, localTheta > 0 else { throw fields.fail("rope_parameters", "RoPE bases must be positive") }

        var eos: [Int] = []
        switch json["eos_token_id"] {
        case .integer(let i)?: eos = Int(exactly: i).map { [$0] } ?? []
        case .array(let a)?: eos = a.compactMap(\.int)
        default: break
        }
        var config = LlamaConfig(
            hiddenSize: try fields.int("hidden_size"),
            numHiddenLayers: layers,
            numAttentionHeads: try fields.int("num_attention_heads"),
            numKeyValueHeads: try fields.optionalInt("num_key_value_heads"),
            headDim: try fields.optionalInt("head_dim") ?? 256,
            intermediateSize: try fields.int("intermediate_size"),
            vocabSize: try fields.int("vocab_size"),
            rmsNormEps: try fields.number("rms_norm_eps") ?? 1e-6,
            ropeTheta: globalTheta,
            maxPositionEmbeddings: try fields.optionalInt("max_position_embeddings") ?? 131_072,
            tieWordEmbeddings: json["tie_word_embeddings"]?.bool ?? true,
            bosTokenID: try fields.optionalInt("bos_token_id"),
            eosTokenIDs: eos,
            padTokenID: try fields.optionalInt("pad_token_id")
        )
        config.gemma3 = Gemma3Settings(slidingWindow: window, globalLayerEvery: every, localRopeTheta: localTheta,
                                       queryScale: 1 / scalar.squareRoot())
        try config.validate(source: source)
        return config
    }

    /// The model of a checkpoint whose tensors `tensor` reads by Hugging Face name (`names`: every tensor it
    /// holds); `linear` turns each projection weight (`[out, in]`) into a layer.
    public static func model(config c: LlamaConfig, source: String, names: [String], tensor: (String) throws -> Tensor?,
                             linear: (String, Tensor) throws -> FrozenLinear) throws -> LlamaModel {
        var used: Set<String> = []
        func load(_ name: String, _ shape: [Int]) throws -> Tensor {
            guard let t = try tensor(name) else { throw ModelLoadError(path: source, tensor: name, message: "missing") }
            guard t.shape == shape else {
                throw ModelLoadError(path: source, tensor: name, message: "shape \(t.shape), expected \(shape) from the configuration")
            }
            used.insert(name)
            return t
        }
        // Hugging Face stores w; the model multiplies by 1 + w.
        func norm(_ name: String, _ width: Int) throws -> [Float] { try load(name, [width]).scalars.map { 1 + $0 } }
        let d = c.hiddenSize, hd = c.headDim
        let embedding = try load("model.embed_tokens.weight", [c.vocabSize, d])
        var layers: [LlamaLayer] = []
        for l in 0..<c.numHiddenLayers {
            let p = "model.layers.\(l)."
            var projections: [FrozenLinear] = []
            for projection in Projection.allCases {
                let (out, inp) = projection.shape(c)
                let name = projection.weightName(layer: l)
                projections.append(try linear(name, try load(name, [out, inp])))
            }
            let extra = Gemma3Norms(query: try norm(p + "self_attn.q_norm.weight", hd), key: try norm(p + "self_attn.k_norm.weight", hd),
                                    attentionOutput: try norm(p + "post_attention_layernorm.weight", d),
                                    mlpOutput: try norm(p + "post_feedforward_layernorm.weight", d))
            layers.append(LlamaLayer(inputNorm: try norm(p + "input_layernorm.weight", d),
                                     postAttentionNorm: try norm(p + "pre_feedforward_layernorm.weight", d),
                                     projections: projections, gemma3: extra))
        }
        let finalNorm = try norm("model.norm.weight", d)
        var head: [Float]? = nil
        if !c.tieWordEmbeddings {
            head = try load("lm_head.weight", [c.vocabSize, d]).scalars
        } else if names.contains("lm_head.weight") {
            // A tied checkpoint may carry a copy of the embedding; a different matrix would be another model.
            guard try load("lm_head.weight", [c.vocabSize, d]).scalars == embedding.scalars else {
                throw ModelLoadError(path: source, tensor: "lm_head.weight", message: "differs from model.embed_tokens.weight but tie_word_embeddings is true")
            }
        }
        if let extra = names.first(where: { !used.contains($0) }) {
            throw ModelLoadError(path: source, tensor: extra, message: "is not part of a Gemma 3 text model of \(c.numHiddenLayers) layers")
        }
        return LlamaModel(config: c, embedding: embedding.scalars, layers: layers, finalNorm: finalNorm, lmHead: head)
    }

    /// The tensors of `model` in Gemma 3's Hugging Face layout, each projection's weight from `weight`; the norms
    /// written as w where the model holds 1 + w.
    static func tensors(of model: LlamaModel, weight: (Int, Projection) -> Tensor) -> [(name: String, tensor: Tensor)] {
        let c = model.config
        var tensors: [(name: String, tensor: Tensor)] = []
        func norm(_ name: String, _ w: [Float]) { tensors.append((name, Tensor(shape: [w.count], scalars: w.map { $0 - 1 }))) }
        tensors.append(("model.embed_tokens.weight", Tensor(shape: [c.vocabSize, c.hiddenSize], scalars: model.embedding)))
        for (l, layer) in model.layers.enumerated() {
            let prefix = "model.layers.\(l)."
            norm(prefix + "input_layernorm.weight", layer.inputNorm)
            if let extra = layer.gemma3 {
                norm(prefix + "self_attn.q_norm.weight", extra.query)
                norm(prefix + "self_attn.k_norm.weight", extra.key)
                norm(prefix + "post_attention_layernorm.weight", extra.attentionOutput)
                norm(prefix + "post_feedforward_layernorm.weight", extra.mlpOutput)
            }
            for p in Projection.allCases { tensors.append((p.weightName(layer: l), weight(l, p))) }
            norm(prefix + "pre_feedforward_layernorm.weight", layer.postAttentionNorm)
        }
        norm("model.norm.weight", model.finalNorm)
        if let head = model.lmHead { tensors.append(("lm_head.weight", Tensor(shape: [c.vocabSize, c.hiddenSize], scalars: head))) }
        return tensors
    }
}
