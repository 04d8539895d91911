import Tensors

/// One decoder block's frozen weights: two RMSNorm weights and the seven projections.
public struct LlamaLayer: Sendable {
    /// RMSNorm weight before attention.
    public let inputNorm: [Float]
    /// RMSNorm weight before the MLP.
    public let postAttentionNorm: [Float]
    /// The projections in `Projection.allCases` order.
    public let projections: [FrozenLinear]
    /// A Gemma 3 block's further norms (its `postAttentionNorm` is the norm before the MLP).
    public let gemma3: Gemma3Norms?

    /// A block from its parts (`projections` in `Projection.allCases` order).
    public init(inputNorm: [Float], postAttentionNorm: [Float], projections: [FrozenLinear], gemma3: Gemma3Norms? = nil) {
        self.inputNorm = inputNorm
        self.postAttentionNorm = postAttentionNorm
        self.projections = projections
        self.gemma3 = gemma3
    }

    /// The layer for a projection.
    public subscript(_ p: Projection) -> FrozenLinear { projections[Projection.allCases.firstIndex(of: p)!] }
}

/// A LLaMA-family decoder with frozen (optionally 4-bit) linear layers; embeddings, norms and the output
/// layer stay float32.
public final class LlamaModel: Sendable {
    /// The model's shape.
    public let config: LlamaConfig
    /// Token embedding, `vocab × hidden`.
    public let embedding: [Float]
    /// The decoder blocks.
    public let layers: [LlamaLayer]
    /// Final RMSNorm weight.
    public let finalNorm: [Float]
    /// Output layer `vocab × hidden`; nil when tied to the embedding.
    public let lmHead: [Float]?
    /// RoPE tables for every position up to `maxPositionEmbeddings` (cos, sin; `position × headDim/2`).
    public let ropeCos: [Float]
    public let ropeSin: [Float]
    /// How many positions the RoPE tables cover.
    public let ropePositions: Int

    /// A model from its parts (shapes are checked by the loaders).
    public init(config: LlamaConfig, embedding: [Float], layers: [LlamaLayer], finalNorm: [Float], lmHead: [Float]?) {
        self.config = config
        self.embedding = embedding
        self.layers = layers
        self.finalNorm = finalNorm
        self.lmHead = lmHead
        ropePositions = max(config.maxPositionEmbeddings, 1)
        (ropeCos, ropeSin) = Kernels.ropeTables(positions: ropePositions, headDim: config.headDim, theta: config.ropeTheta)
    }

    /// Builds the model from a tensor source keyed by Hugging Face names; `linear` turns each frozen
    /// projection weight (`[out, in]`) into a layer (dense or quantized). The projections in `biases` also read
    /// their bias (`….bias`, float32). With `names` (every tensor the source holds), a tensor the model does not
    /// read is an error.
    public static func build(config: LlamaConfig, source: String, tensor: (String) throws -> Tensor?,
                             linear: (String, Tensor) throws -> FrozenLinear, biases: Set<Projection> = [],
                             names: [String]? = nil) throws -> LlamaModel {
        var used: Set<String> = []
        func load(_ name: String, _ shape: [Int]) throws -> Tensor {
            guard let t = try tensor(name) else { throw ModelLoadError(path: source, tensor: name, message: "missing") }
            guard t.shape == shape else {
                throw ModelLoadError(path: source, tensor: name, message: "shape \(t.shape), expected \(shape) from the configuration")
            }
            used.insert(name)
            return t
        }
        let c = config
        let embedding = try load("model.embed_tokens.weight", [c.vocabSize, c.hiddenSize])
        var layers: [LlamaLayer] = []
        for l in 0..<c.numHiddenLayers {
            let inputNorm = try load("model.layers.\(l).input_layernorm.weight", [c.hiddenSize])
            let postNorm = try load("model.layers.\(l).post_attention_layernorm.weight", [c.hiddenSize])
            var projections: [FrozenLinear] = []
            for p in Projection.allCases {
                let (out, inp) = p.shape(c)
                let name = p.weightName(layer: l)
                var layer = try linear(name, try load(name, [out, inp]))
                if biases.contains(p) { layer.bias = try load(p.biasName(layer: l), [out]).scalars }
                projections.append(layer)
            }
            layers.append(LlamaLayer(inputNorm: inputNorm.scalars, postAttentionNorm: postNorm.scalars, projections: projections))
        }
        // A config.json that declares fewer layers than the checkpoint holds would run part of the model.
        if try tensor("model.layers.\(c.numHiddenLayers).input_layernorm.weight") != nil {
            throw ModelLoadError(path: source, message: "holds more layers than num_hidden_layers = \(c.numHiddenLayers) in its config.json "
                                 + "(layer \(c.numHiddenLayers) exists); the configuration does not describe this checkpoint")
        }
        let norm = try load("model.norm.weight", [c.hiddenSize])
        var head: [Float]? = nil
        if !c.tieWordEmbeddings {
            head = try load("lm_head.weight", [c.vocabSize, c.hiddenSize]).scalars
        }
        if let names {
            if c.tieWordEmbeddings, names.contains("lm_head.weight") {
                // A tied checkpoint may carry a copy of the embedding; a different matrix would be another model.
                guard try load("lm_head.weight", [c.vocabSize, c.hiddenSize]).scalars == embedding.scalars else {
                    throw ModelLoadError(path: source, tensor: "lm_head.weight", message: "differs from model.embed_tokens.weight but tie_word_embeddings is true")
                }
            }
            if let extra = names.first(where: { !used.contains($0) }) {
                throw ModelLoadError(path: source, tensor: extra, message: "is not part of a \(c.family) model of \(c.numHiddenLayers) layers")
            }
        }
        return LlamaModel(config: c, embedding: embedding.scalars, layers: layers, finalNorm: norm.scalars, lmHead: head)
    }

    /// The output layer's weights (`lm_head`, or the embedding when tied).
    public var outputWeights: [Float] { lmHead ?? embedding }
}

/// A checkpoint whose tensors do not fit the model: names the file, the tensor and the problem.
public struct ModelLoadError: Error, CustomStringConvertible, Sendable {
    /// The checkpoint file or directory.
    public let path: String
    /// The tensor concerned, if any.
    public let tensor: String?
    /// What is wrong.
    public let message: String

    /// An error about `path` and optionally one tensor.
    public init(path: String, tensor: String? = nil, message: String) {
        self.path = path
        self.tensor = tensor
        self.message = message
    }

    public var description: String {
        if let tensor { return "\(path): tensor \"\(tensor)\": \(message)" }
        return "\(path): \(message)"
    }
}
