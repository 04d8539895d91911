import Tensors
import GGUF

/// A LLaMA-architecture GGUF file seen as a Hugging Face checkpoint: float32 tensors under Hugging Face names,
/// shaped `[out, in]`, with the query and key rows put back in the rotate-half RoPE order.
public struct GGUFLlamaCheckpoint: Sendable {
    /// The underlying file.
    public let file: GGUFFile
    /// The model configuration from the metadata.
    public let info: GGUFModelInfo
    /// Hugging Face names in file order.
    public let names: [String]
    /// Hugging Face shapes (outermost first) by Hugging Face name.
    public let shapes: [String: [Int]]
    private let ggufNames: [String: String]
    /// Whether the file's query and key rows are in llama.cpp's interleaved RoPE order (LLaMA's converter permutes
    /// them; Qwen2's keeps Hugging Face's rotate-half order).
    public let permutedQueryKey: Bool

    /// Opens and checks the GGUF file at `path`.
    public init(path: String) throws {
        try self.init(file: try GGUFFile(path: path))
    }

    /// Checks that `file` holds exactly the tensors of a LLaMA-shaped model of its configuration, with matching
    /// shapes: a `llama` file by default; another architecture of the same block names itself, says whether its
    /// converter permuted the query and key rows and which projections carry a bias (`blk.N.attn_q.bias`, ...).
    public init(file: GGUFFile, architecture: String = "llama", permutedQueryKey: Bool = true, biases: Set<Projection> = []) throws {
        self.file = file
        let info = try GGUFModelInfo(file: file)
        self.info = info
        self.permutedQueryKey = permutedQueryKey
        // Other architectures share tensor names but not the Q/K permutation (nor always the tensor set).
        guard info.architecture == architecture else {
            throw GGUFError(path: file.path, key: "general.architecture",
                            message: "is \"\(info.architecture)\"; this loader reads \(architecture) models here")
        }
        // RoPE scaling changes the model's positions; reading the weights without it would give a model that
        // loads but computes something else, so it is refused until the configuration can carry it.
        let scalingKey = "\(info.architecture).rope.scaling.type"
        if let scaling = file.metadata[scalingKey], scaling.string != "none" {
            throw GGUFError(path: file.path, key: scalingKey, message: "RoPE scaling \(scaling) is not supported")
        }
        if file.contains(tensor: "rope_freqs.weight") {
            throw GGUFError(path: file.path, tensor: "rope_freqs.weight", message: "RoPE frequency factors (Llama 3.1-style scaling) are not supported")
        }
        // The layer count and head widths come from the file: bound them before building the expected shapes.
        guard info.numHiddenLayers <= file.tensors.count else {
            throw GGUFError(path: file.path, key: "\(info.architecture).block_count",
                            message: "claims \(info.numHiddenLayers) layers but the file has only \(file.tensors.count) tensors")
        }
        guard !info.numAttentionHeads.multipliedReportingOverflow(by: info.headDim).overflow else {
            throw GGUFError(path: file.path, key: "\(info.architecture).attention.head_count",
                            message: "\(info.numAttentionHeads) heads × \(info.headDim) overflows")
        }
        let expected = Self.expectedShapes(info, biases: biases)
        var names: [String] = []
        var shapes: [String: [Int]] = [:]
        var ggufNames: [String: String] = [:]
        for tensor in file.tensors {
            guard let hfName = Self.huggingFaceName(tensor.name) else {
                throw GGUFError(path: file.path, tensor: tensor.name, message: "is not a tensor of the \(info.architecture) architecture this loader knows")
            }
            guard let shape = expected[hfName] else {
                if hfName.hasSuffix(".bias") {
                    throw GGUFError(path: file.path, tensor: tensor.name, message: "is a bias, which a \(architecture) model does not have")
                }
                throw GGUFError(path: file.path, tensor: tensor.name, message: "does not belong to a model of \(info.numHiddenLayers) layers")
            }
            guard tensor.shape == shape else {
                throw GGUFError(path: file.path, tensor: tensor.name,
                                message: "has shape \(tensor.shape) (GGML dimensions \(tensor.dimensions)) but the configuration implies \(shape) for \(hfName)")
            }
            names.append(hfName)
            shapes[hfName] = shape
            ggufNames[hfName] = tensor.name
        }
        for name in expected.keys.sorted() where shapes[name] == nil && !(name == "lm_head.weight" && info.tieWordEmbeddings) {
            throw GGUFError(path: file.path, tensor: Self.ggufName(name) ?? name, message: "missing (needed for \(name))")
        }
        self.names = names
        self.shapes = shapes
        self.ggufNames = ggufNames
    }

    /// Tensor `name` (a Hugging Face name) as float32, un-permuting query and key projections.
    public func tensor(_ name: String) throws -> Tensor {
        guard let ggufName = ggufNames[name], let shape = shapes[name] else {
            throw GGUFError(path: file.path, tensor: name, message: "no such Hugging Face tensor in this checkpoint")
        }
        var values = try file.floats(ggufName)
        let heads: Int? = name.hasSuffix("self_attn.q_proj.weight") ? info.numAttentionHeads
            : name.hasSuffix("self_attn.k_proj.weight") ? info.numKeyValueHeads : nil
        if permutedQueryKey, let heads {
            guard let reordered = GGUFRoPEPermutation.unpermute(values, rows: shape[0], columns: shape[1], heads: heads) else {
                throw GGUFError(path: file.path, tensor: ggufName, message: "\(shape[0]) rows do not split into \(heads) heads of pairs")
            }
            values = reordered
        }
        return Tensor(shape: shape, scalars: values)
    }

    /// Calls `body` with each tensor in file order, one at a time, so that only one is in memory at once.
    public func forEachTensor(_ body: (String, Tensor) throws -> Void) throws {
        for name in names { try body(name, try tensor(name)) }
    }

    /// Every tensor, by Hugging Face name.
    public func tensors() throws -> [String: Tensor] {
        var all: [String: Tensor] = [:]
        all.reserveCapacity(names.count)
        try forEachTensor { all[$0] = $1 }
        return all
    }

    /// The Hugging Face name of GGUF tensor `ggufName`, or nil when it is not a LLaMA weight.
    public static func huggingFaceName(_ ggufName: String) -> String? {
        switch ggufName {
        case "token_embd.weight": return "model.embed_tokens.weight"
        case "output_norm.weight": return "model.norm.weight"
        case "output.weight": return "lm_head.weight"
        default: break
        }
        let parts = ggufName.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "blk", parts[3] == "weight" || parts[3] == "bias", let layer = Int(parts[1]), layer >= 0,
              String(layer) == parts[1], let suffix = layerSuffixes[String(parts[2])] else { return nil }
        // Only projections have biases (Qwen2's q, k and v); a norm's would be another kind of norm.
        if parts[3] == "bias" && !suffix.contains("_proj") { return nil }
        return "model.layers.\(layer).\(suffix).\(parts[3])"
    }

    /// The GGUF name of Hugging Face tensor `name`, or nil when it has none.
    public static func ggufName(_ name: String) -> String? {
        switch name {
        case "model.embed_tokens.weight": return "token_embd.weight"
        case "model.norm.weight": return "output_norm.weight"
        case "lm_head.weight": return "output.weight"
        default: break
        }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 5, parts[0] == "model", parts[1] == "layers", let layer = Int(parts[2]),
              let kind = parts.last, kind == "weight" || kind == "bias" else { return nil }
        let suffix = parts[3..<(parts.count - 1)].joined(separator: ".")
        guard let gguf = layerSuffixes.first(where: { $0.value == suffix })?.key else { return nil }
        return "blk.\(layer).\(gguf).\(kind)"
    }

    private static let layerSuffixes: [String: String] = [
        "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
        "attn_output": "self_attn.o_proj", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
        "ffn_down": "mlp.down_proj", "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm",
    ]

    /// Every Hugging Face tensor a model of this configuration has, with its shape.
    static func expectedShapes(_ c: GGUFModelInfo, biases: Set<Projection> = []) -> [String: [Int]] {
        let hidden = c.hiddenSize, q = c.numAttentionHeads * c.headDim, kv = c.numKeyValueHeads * c.headDim
        var shapes: [String: [Int]] = [
            "model.embed_tokens.weight": [c.vocabSize, hidden],
            "model.norm.weight": [hidden],
            "lm_head.weight": [c.vocabSize, hidden],
        ]
        for layer in 0..<c.numHiddenLayers {
            let p = "model.layers.\(layer)."
            shapes[p + "self_attn.q_proj.weight"] = [q, hidden]
            shapes[p + "self_attn.k_proj.weight"] = [kv, hidden]
            shapes[p + "self_attn.v_proj.weight"] = [kv, hidden]
            shapes[p + "self_attn.o_proj.weight"] = [hidden, q]
            shapes[p + "mlp.gate_proj.weight"] = [c.intermediateSize, hidden]
            shapes[p + "mlp.up_proj.weight"] = [c.intermediateSize, hidden]
            shapes[p + "mlp.down_proj.weight"] = [hidden, c.intermediateSize]
            shapes[p + "input_layernorm.weight"] = [hidden]
            shapes[p + "post_attention_layernorm.weight"] = [hidden]
            for projection in biases { shapes[projection.biasName(layer: layer)] = [shapes[projection.weightName(layer: layer)]![0]] }
        }
        return shapes
    }
}
