import Foundation
import Tensors

/// Folds LoRA adapters into the base weights and writes a Hugging Face checkpoint: the route to deployment.
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
        // The checkpoint written here is LLaMA's layout; a Gemma 3 block has norms and settings it cannot hold.
        guard model.config.family.trainable else {
            throw ModelLoadError(path: directory, message: "merging into a \(model.config.family) base is not supported yet (the output would be a LLaMA checkpoint)")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let c = model.config
        func blob(_ t: Tensor) -> SafeTensorsBlob { type == .float32 ? .float32(t) : .bfloat16(t) }
        var tensors: [(name: String, blob: SafeTensorsBlob)] = []
        tensors.append(("model.embed_tokens.weight", blob(Tensor(shape: [c.vocabSize, c.hiddenSize], scalars: model.embedding))))
        for (l, layer) in model.layers.enumerated() {
            tensors.append(("model.layers.\(l).input_layernorm.weight", blob(Tensor(shape: [c.hiddenSize], scalars: layer.inputNorm))))
            for p in Projection.allCases {
                var w = layer[p].dequantized()
                if let adapter, let pair = adapter.layers[l][p] {
                    w = merged(weight: w, lora: pair, rank: adapter.rank, scaling: adapter.scaling)
                }
                tensors.append((p.weightName(layer: l), blob(w)))
            }
            tensors.append(("model.layers.\(l).post_attention_layernorm.weight", blob(Tensor(shape: [c.hiddenSize], scalars: layer.postAttentionNorm))))
        }
        tensors.append(("model.norm.weight", blob(Tensor(shape: [c.hiddenSize], scalars: model.finalNorm))))
        if let head = model.lmHead {
            tensors.append(("lm_head.weight", blob(Tensor(shape: [c.vocabSize, c.hiddenSize], scalars: head))))
        }
        try SafeTensorsWriter.write(tensors, metadata: ["format": "pt"], to: directory + "/model.safetensors")
        try AtomicFile.write(Array(c.huggingFaceJSON(dtype: type == .float32 ? "float32" : "bfloat16").utf8), to: directory + "/config.json")
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
