import Models
import Tensors

/// Every weight of a model, trainable and unquantized, in one flat buffer (and their gradients in another),
/// laid out like `LoRAParameters` so that clipping, the optimizer and checkpoints work on two arrays.
///
/// Layout: the embedding, then per layer the input norm, the seven projections (`[out, in]`, in
/// `Projection.allCases` order) and the post-attention norm, then the final norm and, when untied, `lm_head`.
public final class FullParameters: @unchecked Sendable {
    /// Where one layer's tensors sit in the flat buffers.
    public struct LayerSlots: Sendable {
        /// Offset of the RMSNorm weight before attention.
        public let inputNorm: Int
        /// Offset of the RMSNorm weight before the MLP.
        public let postAttentionNorm: Int
        /// Offsets of the projection weights, in `Projection.allCases` order.
        public let projections: [Int]

        /// Offset of one projection's weight.
        public subscript(_ p: Projection) -> Int { projections[Projection.allCases.firstIndex(of: p)!] }
    }

    /// The model's shape.
    public let config: LlamaConfig
    /// Offset of the token embedding (`vocab × hidden`).
    public let embedding: Int
    /// Per-layer offsets.
    public let layers: [LayerSlots]
    /// Offset of the final RMSNorm weight.
    public let finalNorm: Int
    /// Offset of the output layer (`vocab × hidden`): `lm_head`, or the embedding when tied.
    public let outputLayer: Int
    /// Every weight, flat.
    public let values: FloatBuffer
    /// Their gradients, same layout.
    public let gradients: FloatBuffer
    /// The individual tensors in layout order (the 8-bit optimizer keeps tensors under 4096 elements in 32 bits).
    public let tensorRanges: [Range<Int>]
    /// The base model whose RoPE tables and configuration a rebuilt model shares.
    private let template: LlamaModel

    /// Copies every weight of `model` for training; its projections must be stored dense (unquantized).
    public init(model: LlamaModel) throws {
        let c = model.config
        config = c
        template = model
        var ranges: [Range<Int>] = []
        var offset = 0
        func reserve(_ count: Int) -> Int {
            let start = offset
            offset += count
            ranges.append(start..<offset)
            return start
        }
        let d = c.hiddenSize
        embedding = reserve(c.vocabSize * d)
        var slots: [LayerSlots] = []
        for _ in 0..<c.numHiddenLayers {
            let inputNorm = reserve(d)
            let projections = Projection.allCases.map { p in
                let (out, inp) = p.shape(c)
                return reserve(out * inp)
            }
            slots.append(LayerSlots(inputNorm: inputNorm, postAttentionNorm: reserve(d), projections: projections))
        }
        layers = slots
        finalNorm = reserve(d)
        outputLayer = model.lmHead == nil ? embedding : reserve(c.vocabSize * d)
        tensorRanges = ranges
        values = FloatBuffer(count: offset)
        gradients = FloatBuffer(count: offset)

        let v = values.pointer
        func copy(_ source: [Float], to start: Int) {
            source.withUnsafeBufferPointer { (v + start).update(from: $0.baseAddress!, count: source.count) }
        }
        copy(model.embedding, to: embedding)
        for (l, layer) in model.layers.enumerated() {
            copy(layer.inputNorm, to: slots[l].inputNorm)
            copy(layer.postAttentionNorm, to: slots[l].postAttentionNorm)
            for p in Projection.allCases {
                guard case .dense(let w) = layer[p].storage else {
                    throw FullFineTuneError.quantizedWeight(p.weightName(layer: l))
                }
                copy(w, to: slots[l][p])
            }
        }
        copy(model.finalNorm, to: finalNorm)
        if let head = model.lmHead { copy(head, to: outputLayer) }
    }

    /// Number of trainable parameters.
    public var count: Int { values.count }

    /// Whether the output layer shares the embedding's storage.
    public var tied: Bool { outputLayer == embedding }

    /// The current values as a model with dense projections (copies; later training does not change it).
    public func model() -> LlamaModel {
        let c = config
        let v = values.pointer
        func array(_ start: Int, _ count: Int) -> [Float] { Array(UnsafeBufferPointer(start: v + start, count: count)) }
        let d = c.hiddenSize
        let layers = self.layers.map { s in
            LlamaLayer(inputNorm: array(s.inputNorm, d), postAttentionNorm: array(s.postAttentionNorm, d),
                       projections: Projection.allCases.map { p in
                           let (out, inp) = p.shape(c)
                           return FrozenLinear(outFeatures: out, inFeatures: inp, storage: .dense(array(s[p], out * inp)))
                       })
        }
        return LlamaModel(config: c, embedding: array(embedding, c.vocabSize * d), layers: layers,
                          finalNorm: array(finalNorm, d), lmHead: tied ? nil : array(outputLayer, c.vocabSize * d))
    }
}

/// Why full fine-tuning cannot run on a model.
public enum FullFineTuneError: Error, CustomStringConvertible, Sendable {
    /// A projection is stored quantized; full fine-tuning trains float32 weights only.
    case quantizedWeight(String)

    public var description: String {
        switch self {
        case .quantizedWeight(let name):
            "\(name) is stored 4-bit: full fine-tuning trains every weight in float32; load the model with quantization none"
        }
    }
}
