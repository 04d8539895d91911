import Foundation
import Tensors
import Tokenizers

/// Folds LoRA adapters into the base weights and writes a Hugging Face checkpoint: the route to deployment.
/// The checkpoint has the layout and `config.json` of the base's family (`ModelFamily`): `LlamaForCausalLM`,
/// `Gemma3ForCausalLM` (`gemma3_text`), `Qwen2ForCausalLM` (biases kept).
public enum AdapterMerge {
    /// Storage type of the merged checkpoint.
    public enum OutputType: String, Sendable, CaseIterable {
        case float32, bfloat16
    }

    /// `W + scaling · B·A` for one projection weight (`[out, in]`).
    public static func merged(weight: Tensor, lora: LoRAWeights, rank: Int, scaling: Float) -> Tensor {
        var w = weight
        let out = weight.shape[0], inp = weight.shape[1]
        lora.b.withUnsafeBufferPointer { b in
            lora.a.withUnsafeBufferPointer { a in
                w.scalars.withUnsafeMutableBufferPointer { c in
                    BLAS.sgemm(transposeA: false, transposeB: false, m: out, n: inp, k: rank, alpha: scaling,
                               a: b.baseAddress!, lda: rank, b: a.baseAddress!, ldb: inp, beta: 1, c: c.baseAddress!, ldc: inp)
                }
            }
        }
        return w
    }

    /// Writes `config.json` and `model.safetensors` of `model` with `adapter` merged into `directory`.
    /// Frozen weights are written as the model holds them (dequantized when quantized).
    ///
    /// With `tokenizer` (a byte-level BPE one), its `tokenizer.json` and `tokenizer_config.json` are written beside
    /// the weights, so that the checkpoint loads again as a model of its own: to train, evaluate or chat with.
    public static func write(model: LlamaModel, adapter: LoRAAdapter?, to directory: String, type: OutputType,
                             tokenizer: (any Tokenizer)? = nil) throws {
        let family = model.config.family
        guard family.trainable else {
            throw ModelLoadError(path: directory, message: "merging into a \(family) base is not supported")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let tensors = family.checkpointTensors(model) { l, p in
            var w = model.layers[l][p].dequantized()
            if let adapter, let pair = adapter.layers[l][p] {
                w = merged(weight: w, lora: pair, rank: adapter.rank, scaling: adapter.scaling)
            }
            return w
        }
        try SafeTensorsWriter.write(tensors.map { ($0.name, type == .float32 ? .float32($0.tensor) : .bfloat16($0.tensor)) },
                                    metadata: ["format": "pt"], to: directory + "/model.safetensors")
        let json = family.configJSON(model.config, type == .float32 ? "float32" : "bfloat16")
        try AtomicFile.write(Array(json.utf8), to: directory + "/config.json")
        if let bpe = tokenizer as? BPETokenizer { try bpe.writeHuggingFaceFiles(to: directory) }
    }
}

extension LlamaConfig {
    /// This configuration as a Hugging Face `config.json` (LlamaForCausalLM, transformers 5 layout).
    public func huggingFaceJSON(dtype: String = "float32") -> String {
        func number(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : "\(d)" }
        var fields: [(String, String)] = [
            ("architectures", "[\"LlamaForCausalLM\"]"), ("attention_bias", "false"), ("attention_dropout", "0.0"),
            ("dtype", "\"\(dtype)\""), ("head_dim", "\(headDim)"), ("hidden_act", "\"silu\""), ("hidden_size", "\(hiddenSize)"),
            ("intermediate_size", "\(intermediateSize)"), ("max_position_embeddings", "\(maxPositionEmbeddings)"),
            ("mlp_bias", "false"), ("model_type", "\"llama\""), ("num_attention_heads", "\(numAttentionHeads)"),
            ("num_hidden_layers", "\(numHiddenLayers)"), ("num_key_value_heads", "\(numKeyValueHeads)"),
            ("rms_norm_eps", "\(rmsNormEps)"),
            ("rope_parameters", "{\"rope_theta\": \(number(ropeTheta)), \"rope_type\": \"default\"}"),
            ("tie_word_embeddings", tieWordEmbeddings ? "true" : "false"), ("vocab_size", "\(vocabSize)"),
        ]
        if let bosTokenID { fields.append(("bos_token_id", "\(bosTokenID)")) }
        if !eosTokenIDs.isEmpty { fields.append(("eos_token_id", eosTokenIDs.count == 1 ? "\(eosTokenIDs[0])" : "\(eosTokenIDs)")) }
        if let padTokenID { fields.append(("pad_token_id", "\(padTokenID)")) }
        fields.sort { $0.0 < $1.0 }
        return "{\n" + fields.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
    }
}

extension LlamaConfig {
    /// This Gemma 3 configuration as a Hugging Face `config.json` (Gemma3ForCausalLM, transformers 5 layout),
    /// as `Gemma3HuggingFace.config` reads it.
    public func gemma3HuggingFaceJSON(dtype: String = "float32") -> String {
        guard let g = gemma3 else { return huggingFaceJSON(dtype: dtype) }
        func number(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : "\(d)" }
        let types = (0..<numHiddenLayers).map { g.isGlobal(layer: $0) ? "\"full_attention\"" : "\"sliding_attention\"" }
        // query_pre_attn_scalar is the number whose inverse square root scales the queries (an integer for transformers).
        let raw = 1 / (g.queryScale * g.queryScale)
        let scalar = abs(raw - raw.rounded()) < 1e-9 * raw ? raw.rounded() : raw
        var fields: [(String, String)] = [
            ("architectures", "[\"Gemma3ForCausalLM\"]"), ("attention_bias", "false"), ("attention_dropout", "0.0"),
            ("attn_logit_softcapping", "null"), ("dtype", "\"\(dtype)\""), ("final_logit_softcapping", "null"),
            ("head_dim", "\(headDim)"), ("hidden_activation", "\"gelu_pytorch_tanh\""), ("hidden_size", "\(hiddenSize)"),
            ("intermediate_size", "\(intermediateSize)"), ("layer_types", "[" + types.joined(separator: ", ") + "]"),
            ("max_position_embeddings", "\(maxPositionEmbeddings)"), ("model_type", "\"gemma3_text\""),
            ("num_attention_heads", "\(numAttentionHeads)"), ("num_hidden_layers", "\(numHiddenLayers)"),
            ("num_key_value_heads", "\(numKeyValueHeads)"), ("query_pre_attn_scalar", scalar == scalar.rounded() && scalar < 1e9 ? "\(Int(scalar))" : "\(scalar)"),
            ("rms_norm_eps", "\(rmsNormEps)"),
            ("rope_parameters", "{\"full_attention\": {\"rope_theta\": \(number(ropeTheta)), \"rope_type\": \"default\"}, "
                + "\"sliding_attention\": {\"rope_theta\": \(number(g.localRopeTheta)), \"rope_type\": \"default\"}}"),
            ("sliding_window", "\(g.slidingWindow)"), ("tie_word_embeddings", tieWordEmbeddings ? "true" : "false"),
            ("vocab_size", "\(vocabSize)"),
        ]
        if let bosTokenID { fields.append(("bos_token_id", "\(bosTokenID)")) }
        if !eosTokenIDs.isEmpty { fields.append(("eos_token_id", eosTokenIDs.count == 1 ? "\(eosTokenIDs[0])" : "\(eosTokenIDs)")) }
        if let padTokenID { fields.append(("pad_token_id", "\(padTokenID)")) }
        fields.sort { $0.0 < $1.0 }
        return "{\n" + fields.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
    }
}
