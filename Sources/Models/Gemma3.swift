import Foundation
import Tensors
import GGUF

/// What a Gemma 3 decoder adds to the LLaMA shape: scaled embeddings, four norms a block plus per-head norms of
/// queries and keys, GELU-gated MLP, and local sliding-window layers with their own RoPE base between global ones.
public struct Gemma3Settings: Codable, Sendable, Equatable {
    /// Keys a local layer's query sees: itself and the `slidingWindow − 1` before it.
    public var slidingWindow: Int
    /// Every `globalLayerEvery`-th layer (layer i with (i + 1) % n == 0) attends globally; the others locally.
    public var globalLayerEvery: Int
    /// RoPE base of the local layers (the global ones use `LlamaConfig.ropeTheta`).
    public var localRopeTheta: Double
    /// The factor on query·key products: 1/√query_pre_attn_scalar.
    public var queryScale: Double

    /// Settings from their fields.
    public init(slidingWindow: Int, globalLayerEvery: Int = 6, localRopeTheta: Double = 10_000, queryScale: Double) {
        self.slidingWindow = slidingWindow
        self.globalLayerEvery = globalLayerEvery
        self.localRopeTheta = localRopeTheta
        self.queryScale = queryScale
    }

    /// Whether layer `layer` (from 0) attends over every earlier position.
    public func isGlobal(layer: Int) -> Bool { (layer + 1) % globalLayerEvery == 0 }
}

/// The norms a Gemma 3 block has beyond LLaMA's two, each already holding the 1 + w factor the model multiplies by.
public struct Gemma3Norms: Sendable {
    /// Per-head RMSNorm of the queries (head width).
    public let query: [Float]
    /// Per-head RMSNorm of the keys (head width).
    public let key: [Float]
    /// RMSNorm of the attention output, before it joins the residual stream.
    public let attentionOutput: [Float]
    /// RMSNorm of the MLP output, before it joins the residual stream.
    public let mlpOutput: [Float]

    /// The four norms from their weights.
    public init(query: [Float], key: [Float], attentionOutput: [Float], mlpOutput: [Float]) {
        self.query = query
        self.key = key
        self.attentionOutput = attentionOutput
        self.mlpOutput = mlpOutput
    }
}

extension ModelFamily {
    /// Gemma 3 (`Gemma3Settings`, `Gemma3GGUF`, `Gemma3HuggingFace`).
    public static let gemma3 = ModelFamily(
        name: "gemma3", ggufArchitectures: [Gemma3GGUF.architecture], huggingFaceModelTypes: [Gemma3HuggingFace.modelType],
        huggingFaceArchitectures: [Gemma3HuggingFace.architecture],
        block: "embeddings × √hidden; RMSNorm (1 + w) before and after attention and the MLP, and on each head's queries "
            + "and keys; tanh-GELU-gated MLP; sliding-window local attention in five of six layers, global in the sixth",
        tokenizer: "SentencePiece (llama) with byte fallback, BOS added", chatTemplate: .gemma, trainable: true,
        fullyTrainable: false,
        readConfig: Gemma3HuggingFace.config,
        readCheckpoint: { config, source, names, tensor, linear in
            try Gemma3HuggingFace.model(config: config, source: source, names: names, tensor: tensor, linear: linear)
        },
        readGGUF: { file, linear in try Gemma3GGUF.model(file, config: try Gemma3GGUF.config(file), linear: linear) },
        checkpointTensors: { model, weight in Gemma3HuggingFace.tensors(of: model, weight: weight) },
        configJSON: { config, dtype in config.gemma3HuggingFaceJSON(dtype: dtype) },
        readGGUFConfig: Gemma3GGUF.config)
}

/// Reads a `gemma3` GGUF file into a `LlamaModel` carrying `Gemma3Settings`.
///
/// llama.cpp's converter stores every Gemma norm weight as 1 + w (the factor Gemma multiplies by), so the
/// weights are used as they are. It does not permute the query and key rows (Gemma rotates halves, as here).
public enum Gemma3GGUF {
    /// The architecture name in `general.architecture`.
    public static let architecture = "gemma3"

    /// The configuration `file` describes; settings the file cannot state take Gemma 3's published values.
    public static func config(_ file: GGUFFile) throws -> LlamaConfig {
        let info = try GGUFModelInfo(file: file)
        guard info.architecture == architecture else {
            throw GGUFError(path: file.path, key: "general.architecture", message: "is \"\(info.architecture)\", not \"\(architecture)\"")
        }
        let a = architecture
        for key in ["\(a).final_logit_softcapping", "\(a).attn_logit_softcapping"] where file.metadata[key] != nil {
            throw GGUFError(path: file.path, key: key, message: "logit soft-capping is not supported (Gemma 3 has none)")
        }
        if let scaling = file.metadata["\(a).rope.scaling.type"], scaling.string != "none" {
            throw GGUFError(path: file.path, key: "\(a).rope.scaling.type", message: "RoPE scaling \(scaling) is not supported")
        }
        if let value = file.metadata["\(a).attention.value_length"], value.int != info.headDim {
            throw GGUFError(path: file.path, key: "\(a).attention.value_length", message: "is \(value); only values as wide as keys (\(info.headDim)) are supported")
        }
        guard let window = file.metadata["\(a).attention.sliding_window"] else {
            throw GGUFError(path: file.path, key: "\(a).attention.sliding_window", message: "missing")
        }
        guard let slidingWindow = window.int, slidingWindow > 0 else {
            throw GGUFError(path: file.path, key: "\(a).attention.sliding_window", message: "is \(window), not a positive integer")
        }
        var localTheta = 10_000.0
        if let value = file.metadata["\(a).rope.freq_base_swa"] {
            guard let theta = value.double, theta > 0, theta.isFinite else {
                throw GGUFError(path: file.path, key: "\(a).rope.freq_base_swa", message: "is \(value), not a positive number")
            }
            localTheta = theta
        }
        var config = LlamaConfig(gguf: info)
        // A Gemma turn ends with <end_of_turn>; generation stops there as at EOS (as Gemma's generation settings say).
        if let endOfTurn = file.metadata["tokenizer.ggml.tokens"]?.strings?.firstIndex(of: "<end_of_turn>"),
           !config.eosTokenIDs.contains(endOfTurn) {
            config.eosTokenIDs.append(endOfTurn)
        }
        // The file does not record query_pre_attn_scalar; Gemma 3 sets it to the head width (llama.cpp does the same).
        config.gemma3 = Gemma3Settings(slidingWindow: slidingWindow, globalLayerEvery: 6, localRopeTheta: localTheta,
                                       queryScale: 1 / Double(info.headDim).squareRoot())
        try config.validate(source: file.path)
        guard info.numHiddenLayers <= file.tensors.count else {
            throw GGUFError(path: file.path, key: "\(a).block_count",
                            message: "claims \(info.numHiddenLayers) layers but the file has only \(file.tensors.count) tensors")
        }
        return config
    }

    /// The model in `file`; `linear` turns each projection weight (`[out, in]`, Hugging Face name) into a layer.
    public static func model(_ file: GGUFFile, config c: LlamaConfig,
                             linear: (String, Tensor) throws -> FrozenLinear) throws -> LlamaModel {
        var used: Set<String> = []
        func load(_ name: String, _ shape: [Int]) throws -> Tensor {
            let info = try file.tensorInfo(name)
            guard info.shape == shape else {
                throw GGUFError(path: file.path, tensor: name, message: "has shape \(info.shape) but the configuration implies \(shape)")
            }
            used.insert(name)
            return try file.tensor(name)
        }
        let d = c.hiddenSize, hd = c.headDim
        let embedding = try load("token_embd.weight", [c.vocabSize, d])
        var layers: [LlamaLayer] = []
        layers.reserveCapacity(c.numHiddenLayers)
        let names: [Projection: String] = [.q: "attn_q", .k: "attn_k", .v: "attn_v", .o: "attn_output",
                                           .gate: "ffn_gate", .up: "ffn_up", .down: "ffn_down"]
        for l in 0..<c.numHiddenLayers {
            let p = "blk.\(l)."
            var projections: [FrozenLinear] = []
            for projection in Projection.allCases {
                let (out, inp) = projection.shape(c)
                projections.append(try linear(projection.weightName(layer: l), try load(p + names[projection]! + ".weight", [out, inp])))
            }
            let norms = Gemma3Norms(query: try load(p + "attn_q_norm.weight", [hd]).scalars,
                                    key: try load(p + "attn_k_norm.weight", [hd]).scalars,
                                    attentionOutput: try load(p + "post_attention_norm.weight", [d]).scalars,
                                    mlpOutput: try load(p + "post_ffw_norm.weight", [d]).scalars)
            layers.append(LlamaLayer(inputNorm: try load(p + "attn_norm.weight", [d]).scalars,
                                     postAttentionNorm: try load(p + "ffn_norm.weight", [d]).scalars,
                                     projections: projections, gemma3: norms))
        }
        let norm = try load("output_norm.weight", [d])
        var head: [Float]? = nil
        if !c.tieWordEmbeddings { head = try load("output.weight", [c.vocabSize, d]).scalars }
        // A tensor the model does not read (an extra layer, a bias) would mean it computes something else.
        if let extra = file.tensors.first(where: { !used.contains($0.name) }) {
            throw GGUFError(path: file.path, tensor: extra.name, message: "is not part of a \(architecture) model of \(c.numHiddenLayers) layers")
        }
        return LlamaModel(config: c, embedding: embedding.scalars, layers: layers, finalNorm: norm.scalars, lmHead: head)
    }
}

extension Kernels {
    /// GeGLU: `out = gelu(gate) · up`, with GELU's tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    public static func geglu(count: Int, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>) {
        let beta = Float((2 / Double.pi).squareRoot()), kappa: Float = 0.044715
        Parallel.forEachPart(count, cost: 24) { part in
            for i in part {
                let x = gate[i]
                let inner = beta * (x + kappa * x * x * x)
                out[i] = 0.5 * x * (1 + tanhf(inner)) * up[i]
            }
        }
    }
}
