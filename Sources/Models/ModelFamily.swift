import Support
import Tensors
import GGUF
import Tokenizers

/// A decoder family as one described value: which files are of it, what its block computes, its vocabulary and
/// chat turns, what the trainer can do with it, how a file of it becomes a model and how a model is written back.
/// The loaders, the merge and `qlab show` pick the family from `ModelFamily.all` and ask it; the forward and
/// backward passes read the block settings it puts into the configuration. A new family is one file that
/// defines its value and a line in `all`.
public struct ModelFamily: Sendable, CustomStringConvertible {
    /// A short name ("llama", "gemma3", "qwen2"), also `LlamaConfig.familyName`.
    public let name: String
    /// `general.architecture` values of GGUF files of this family.
    public let ggufArchitectures: Set<String>
    /// `model_type` values of its Hugging Face `config.json` files.
    public let huggingFaceModelTypes: Set<String>
    /// `architectures` entries of its Hugging Face `config.json` files.
    public let huggingFaceArchitectures: Set<String>
    /// The block: norms, attention pattern, MLP.
    public let block: String
    /// The vocabulary kinds its files come with.
    public let tokenizer: String
    /// The chat turns used when the vocabulary brings no template (nil: ChatML, or the file's own).
    public let chatTemplate: ChatTemplate?
    /// Whether the backward pass (LoRA and QLoRA training, merging) knows this block.
    public let trainable: Bool
    /// Whether every weight can be trained (full fine-tuning and pre-training), not only adapters.
    public let fullyTrainable: Bool
    /// Reads a parsed `config.json` of this family (`source` names it in errors).
    let readConfig: @Sendable (JSONValue, String) throws -> LlamaConfig
    /// Reads a Hugging Face checkpoint of this family: its configuration, its source, every tensor name it holds,
    /// a reader of tensors by name, and `linear`, which turns each projection weight into a layer.
    let readCheckpoint: @Sendable (LlamaConfig, String, [String], (String) throws -> Tensor?,
                                   (String, Tensor) throws -> FrozenLinear) throws -> LlamaModel
    /// Reads a GGUF file of this family; `linear` turns each projection weight into a layer.
    let readGGUF: @Sendable (GGUFFile, (String, Tensor) throws -> FrozenLinear) throws -> LlamaModel
    /// The tensors of `model` in the family's Hugging Face layout, in writing order; the projection weights come
    /// from the second argument (so that a merge can put adapters into them).
    let checkpointTensors: @Sendable (LlamaModel, (Int, Projection) -> Tensor) -> [(name: String, tensor: Tensor)]
    /// The family's Hugging Face `config.json` for a configuration and a storage dtype name.
    let configJSON: @Sendable (LlamaConfig, String) -> String
    /// The configuration a GGUF file of this family states, without reading its weights (`qlab show`); by default
    /// the LLaMA-style keys, with the family's name.
    var readGGUFConfig: @Sendable (GGUFFile) throws -> LlamaConfig = { file in LlamaConfig(gguf: try GGUFModelInfo(file: file)) }

    public var description: String { name }

    /// LLaMA and the families that share its block exactly (SmolLM2, Mistral without sliding windows).
    public static let llama = ModelFamily(
        name: "llama", ggufArchitectures: ["llama"], huggingFaceModelTypes: LlamaConfig.supportedModelTypes,
        huggingFaceArchitectures: LlamaConfig.supportedArchitectures,
        block: "RMSNorm before attention and before the MLP; grouped-query causal attention with RoPE; SiLU-gated MLP",
        tokenizer: "byte-level BPE (gpt2) or SentencePiece (llama)", chatTemplate: nil, trainable: true, fullyTrainable: true,
        readConfig: LlamaConfig.parseLlama,
        readCheckpoint: { config, source, _, tensor, linear in
            try LlamaModel.build(config: config, source: source, tensor: tensor, linear: linear)
        },
        readGGUF: { file, linear in
            let checkpoint = try GGUFLlamaCheckpoint(file: file)
            let config = LlamaConfig(gguf: checkpoint.info)
            try config.validate(source: file.path)
            return try LlamaModel.build(config: config, source: file.path, tensor: { name in
                checkpoint.shapes[name] == nil ? nil : try checkpoint.tensor(name)
            }, linear: linear)
        },
        checkpointTensors: { model, weight in model.llamaLayoutTensors(weight: weight) },
        configJSON: { config, dtype in config.huggingFaceJSON(dtype: dtype) })

    /// The registry: every family the loaders know.
    public static let all: [ModelFamily] = [.llama, .gemma3, .qwen2]

    /// The family named `name`.
    public static func named(_ name: String) -> ModelFamily? { all.first { $0.name == name } }

    /// The family whose GGUF files name `architecture`.
    public static func gguf(architecture: String) -> ModelFamily? {
        all.first { $0.ggufArchitectures.contains(architecture) }
    }

    /// The family of `file`, or an error naming its architecture and the known ones.
    public static func of(_ file: GGUFFile) throws -> ModelFamily {
        guard let architecture = file.metadata["general.architecture"]?.string else {
            throw GGUFError(path: file.path, key: "general.architecture", message: "missing or not a string")
        }
        guard let family = gguf(architecture: architecture) else {
            let known = all.flatMap(\.ggufArchitectures).sorted().joined(separator: ", ")
            throw GGUFError(path: file.path, key: "general.architecture", message: "is \"\(architecture)\"; the known architectures are \(known)")
        }
        return family
    }

    /// The family a parsed `config.json` names by its `model_type` (else its `architectures`); a file that names
    /// neither is read as LLaMA's, as older LLaMA conversions are written.
    public static func of(_ json: JSONValue, source: String) throws -> ModelFamily {
        if let type = json["model_type"]?.string {
            guard let family = all.first(where: { $0.huggingFaceModelTypes.contains(type) }) else {
                let known = all.flatMap(\.huggingFaceModelTypes).sorted().joined(separator: ", ")
                throw LlamaConfigError(path: source, field: "model_type", message: "\"\(type)\" is not supported (\(known))")
            }
            return family
        }
        if let architectures = json["architectures"]?.array {
            let names = architectures.compactMap(\.string)
            guard let family = all.first(where: { f in names.contains(where: f.huggingFaceArchitectures.contains) }) else {
                let known = all.flatMap(\.huggingFaceArchitectures).sorted().joined(separator: ", ")
                throw LlamaConfigError(path: source, field: "architectures", message: "\(names) is not supported (supported: \(known))")
            }
            return family
        }
        return .llama
    }
}

extension LlamaConfig {
    /// The family whose block this configuration describes.
    public var family: ModelFamily { ModelFamily.named(familyName) ?? .llama }
}

extension LlamaModel {
    /// The tensors of LLaMA's Hugging Face layout (`LlamaForCausalLM`), each projection's weight from `weight` and
    /// its bias, when it has one, as the model holds it: embedding, then per block the input norm, the projections
    /// and the norm before the MLP, then the final norm and an untied output layer.
    public func llamaLayoutTensors(weight: (Int, Projection) -> Tensor) -> [(name: String, tensor: Tensor)] {
        let c = config
        var tensors: [(name: String, tensor: Tensor)] = []
        func vector(_ name: String, _ w: [Float]) { tensors.append((name, Tensor(shape: [w.count], scalars: w))) }
        tensors.append(("model.embed_tokens.weight", Tensor(shape: [c.vocabSize, c.hiddenSize], scalars: embedding)))
        for (l, layer) in layers.enumerated() {
            let prefix = "model.layers.\(l)."
            vector(prefix + "input_layernorm.weight", layer.inputNorm)
            for p in Projection.allCases {
                tensors.append((p.weightName(layer: l), weight(l, p)))
                if let bias = layer[p].bias { vector(p.biasName(layer: l), bias) }
            }
            vector(prefix + "post_attention_layernorm.weight", layer.postAttentionNorm)
        }
        vector("model.norm.weight", finalNorm)
        if let lmHead { tensors.append(("lm_head.weight", Tensor(shape: [c.vocabSize, c.hiddenSize], scalars: lmHead))) }
        return tensors
    }
}
