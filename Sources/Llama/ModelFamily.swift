import Tensors

/// A decoder family as one described value: which GGUF architectures it reads, what its block computes, its
/// vocabulary and chat turns, what the trainer can do with it, and how a file of it becomes a model. The loader
/// picks the family from `ModelFamily.all`; a new family is a new value there.
public struct ModelFamily: Sendable, CustomStringConvertible {
    /// A short name ("llama", "gemma3").
    public let name: String
    /// `general.architecture` values of GGUF files of this family.
    public let ggufArchitectures: Set<String>
    /// The block: norms, attention pattern, MLP.
    public let block: String
    /// The vocabulary kinds its files come with.
    public let tokenizer: String
    /// The chat turns used when the vocabulary brings no template (nil: ChatML, or the file's own).
    public let chatTemplate: ChatTemplate?
    /// Whether the backward pass (training, merging) knows this block.
    public let trainable: Bool
    /// Reads a GGUF file of this family; `linear` turns each projection weight into a layer.
    let readGGUF: @Sendable (GGUFFile, (String, Tensor) throws -> FrozenLinear) throws -> LlamaModel

    public var description: String { name }

    /// LLaMA and the families that share its block exactly (SmolLM2, Mistral without sliding windows).
    public static let llama = ModelFamily(
        name: "llama", ggufArchitectures: ["llama"],
        block: "RMSNorm before attention and before the MLP; grouped-query causal attention with RoPE; SiLU-gated MLP",
        tokenizer: "byte-level BPE (gpt2) or SentencePiece (llama)", chatTemplate: nil, trainable: true,
        readGGUF: { file, linear in
            let checkpoint = try GGUFLlamaCheckpoint(file: file)
            let config = LlamaConfig(gguf: checkpoint.info)
            try config.validate(source: file.path)
            return try LlamaModel.build(config: config, source: file.path, tensor: { name in
                checkpoint.shapes[name] == nil ? nil : try checkpoint.tensor(name)
            }, linear: linear)
        })

    /// Gemma 3 (`Gemma3Settings`, `Gemma3GGUF`).
    public static let gemma3 = ModelFamily(
        name: "gemma3", ggufArchitectures: [Gemma3GGUF.architecture],
        block: "embeddings × √hidden; RMSNorm (1 + w) before and after attention and the MLP, and on each head's queries "
            + "and keys; tanh-GELU-gated MLP; sliding-window local attention in five of six layers, global in the sixth",
        tokenizer: "SentencePiece (llama) with byte fallback, BOS added", chatTemplate: .gemma, trainable: true,
        readGGUF: { file, linear in try Gemma3GGUF.model(file, config: try Gemma3GGUF.config(file), linear: linear) })

    /// The registry: every family the loader knows.
    public static let all: [ModelFamily] = [.llama, .gemma3]

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
}

extension LlamaConfig {
    /// The family whose block this configuration describes.
    public var family: ModelFamily { gemma3 == nil ? .llama : .gemma3 }
}
