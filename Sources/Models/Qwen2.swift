import Support
import Tensors
import GGUF

extension ModelFamily {
    /// Qwen2: LLaMA's block with a frozen bias on the query, key and value projections (none on the output
    /// projection or the MLP), its own RoPE base, often tied embeddings; its vocabulary a byte-level BPE whose text
    /// is composed to NFC and split by Qwen2's pattern; its chat turns ChatML.
    public static let qwen2 = ModelFamily(
        name: "qwen2", ggufArchitectures: [Qwen2.ggufArchitecture], huggingFaceModelTypes: [Qwen2.modelType],
        huggingFaceArchitectures: [Qwen2.architecture],
        block: "RMSNorm before attention and before the MLP; grouped-query causal attention with RoPE, biases on the "
            + "query, key and value projections; SiLU-gated MLP",
        tokenizer: "byte-level BPE (NFC, Qwen2's split pattern)", chatTemplate: nil, trainable: true,
        // Full fine-tuning trains every weight but would leave the biases out.
        fullyTrainable: false,
        readConfig: Qwen2.config,
        readCheckpoint: { config, source, names, tensor, linear in
            try LlamaModel.build(config: config, source: source, tensor: tensor, linear: linear, biases: Qwen2.biased, names: names)
        },
        readGGUF: Qwen2.model,
        checkpointTensors: { model, weight in model.llamaLayoutTensors(weight: weight) },
        configJSON: Qwen2.huggingFaceJSON)
}

/// Qwen2's checkpoints: a Hugging Face `config.json` (`model_type` `qwen2`, `Qwen2ForCausalLM`) and GGUF files
/// (`general.architecture` `qwen2`; llama.cpp keeps the query and key rows in Hugging Face's order and names the
/// biases `blk.N.attn_q.bias`, `attn_k.bias`, `attn_v.bias`).
public enum Qwen2 {
    /// The `model_type` of a Qwen2 checkpoint.
    public static let modelType = "qwen2"
    /// The `architectures` entry of a Qwen2 checkpoint.
    public static let architecture = "Qwen2ForCausalLM"
    /// `general.architecture` of a Qwen2 GGUF file.
    public static let ggufArchitecture = "qwen2"
    /// The projections with a bias.
    public static let biased: Set<Projection> = [.q, .k, .v]

    /// The configuration a Qwen2 `config.json` describes; anything this implementation would compute differently
    /// (sliding-window layers, RoPE scaling, another activation) is an error naming the field.
    public static func config(_ json: JSONValue, source: String) throws -> LlamaConfig {
        let fields = ConfigFields(json: json, source: source)
        if let type = json["model_type"]?.string, type != modelType {
            throw fields.fail("model_type", "\"\(type)\" is not \(modelType)")
        }
        if json["use_sliding_window"]?.bool == true {
            throw fields.fail("use_sliding_window", "sliding-window attention is not supported (only with use_sliding_window false)")
        }
        if let types = json["layer_types"], types != .null {
            guard let names = types.array?.map(\.string) else { throw fields.fail("layer_types", "is not an array of strings") }
            if let bad = names.firstIndex(where: { $0 != "full_attention" }) {
                throw fields.fail("layer_types", "layer \(bad) is \(names[bad].map { "\"\($0)\"" } ?? "not a string"); only full_attention is supported")
            }
        }
        for key in ["attention_bias", "mlp_bias"] where json[key] != nil && json[key] != .null {
            // Qwen2 fixes its biases (q, k, v only); a file that sets them otherwise is another model.
            throw fields.fail(key, "is not a Qwen2 setting (its q, k and v projections always have biases, the others none)")
        }
        var config = try LlamaConfig.parseShape(json, source: source)
        config.familyName = ModelFamily.qwen2.name
        return config
    }

    /// This configuration as a Hugging Face `config.json` (Qwen2ForCausalLM, transformers 5 layout), as `config` reads it.
    public static func huggingFaceJSON(_ c: LlamaConfig, dtype: String) -> String {
        func number(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : "\(d)" }
        var fields: [(String, String)] = [
            ("architectures", "[\"\(architecture)\"]"), ("attention_dropout", "0.0"), ("dtype", "\"\(dtype)\""),
            ("head_dim", "\(c.headDim)"), ("hidden_act", "\"silu\""), ("hidden_size", "\(c.hiddenSize)"),
            ("intermediate_size", "\(c.intermediateSize)"),
            ("layer_types", "[" + Array(repeating: "\"full_attention\"", count: c.numHiddenLayers).joined(separator: ", ") + "]"),
            ("max_position_embeddings", "\(c.maxPositionEmbeddings)"), ("max_window_layers", "\(c.numHiddenLayers)"),
            ("model_type", "\"\(modelType)\""), ("num_attention_heads", "\(c.numAttentionHeads)"),
            ("num_hidden_layers", "\(c.numHiddenLayers)"), ("num_key_value_heads", "\(c.numKeyValueHeads)"),
            ("rms_norm_eps", "\(c.rmsNormEps)"),
            ("rope_parameters", "{\"rope_theta\": \(number(c.ropeTheta)), \"rope_type\": \"default\"}"),
            ("sliding_window", "null"), ("tie_word_embeddings", c.tieWordEmbeddings ? "true" : "false"),
            ("use_cache", "true"), ("use_sliding_window", "false"), ("vocab_size", "\(c.vocabSize)"),
        ]
        if let bos = c.bosTokenID { fields.append(("bos_token_id", "\(bos)")) }
        if !c.eosTokenIDs.isEmpty { fields.append(("eos_token_id", c.eosTokenIDs.count == 1 ? "\(c.eosTokenIDs[0])" : "\(c.eosTokenIDs)")) }
        if let pad = c.padTokenID { fields.append(("pad_token_id", "\(pad)")) }
        fields.sort { $0.0 < $1.0 }
        return "{\n" + fields.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
    }

    /// The model in a `qwen2` GGUF file; `linear` turns each projection weight into a layer.
    public static func model(_ file: GGUFFile, linear: (String, Tensor) throws -> FrozenLinear) throws -> LlamaModel {
        let a = ggufArchitecture
        if let window = file.metadata["\(a).attention.sliding_window"] {
            throw GGUFError(path: file.path, key: "\(a).attention.sliding_window", message: "is \(window); sliding-window attention is not supported")
        }
        let checkpoint = try GGUFLlamaCheckpoint(file: file, architecture: a, permutedQueryKey: false, biases: biased)
        var config = LlamaConfig(gguf: checkpoint.info)
        config.familyName = ModelFamily.qwen2.name
        try config.validate(source: file.path)
        return try LlamaModel.build(config: config, source: file.path, tensor: { name in
            checkpoint.shapes[name] == nil ? nil : try checkpoint.tensor(name)
        }, linear: linear, biases: biased, names: checkpoint.names)
    }
}
