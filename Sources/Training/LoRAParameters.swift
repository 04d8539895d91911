import Models
import Tensors

/// The trainable LoRA matrices of a model, laid out in one flat buffer (and their gradients in another),
/// so that clipping, the optimizer and checkpoints work on two arrays.
public final class LoRAParameters: @unchecked Sendable {
    /// Where one projection's A and B sit in the flat buffers.
    public struct Slot: Sendable {
        /// Offset of A (`rank × in`).
        public let a: Int
        /// Offset of B (`out × rank`).
        public let b: Int
        /// Input width.
        public let inFeatures: Int
        /// Output width.
        public let outFeatures: Int
    }

    /// Rank r.
    public let rank: Int
    /// alpha / r (or alpha / √r with rsLoRA).
    public let scaling: Float
    /// Dropout probability on the LoRA input.
    public let dropout: Float
    /// The adapted projections.
    public let targets: [Projection]
    /// `slots[layer][projection]`.
    public let slots: [[Projection: Slot]]
    /// Every A and B, flat.
    public let values: FloatBuffer
    /// Their gradients, same layout.
    public let gradients: FloatBuffer
    /// Sizes of the individual tensors in layout order (the 8-bit optimizer keeps tensors under 4096 elements in 32 bits).
    public let tensorRanges: [Range<Int>]
    private let template: LoRAAdapter

    /// Lays out `adapter`'s matrices for training.
    public init(adapter: LoRAAdapter, config: LlamaConfig) {
        rank = adapter.rank
        scaling = adapter.scaling
        dropout = Float(adapter.dropout)
        targets = adapter.targets
        template = adapter
        var slots: [[Projection: Slot]] = []
        var ranges: [Range<Int>] = []
        var offset = 0
        for layer in adapter.layers {
            var s: [Projection: Slot] = [:]
            for p in adapter.targets where layer[p] != nil {
                let (out, inp) = p.shape(config)
                let a = offset
                offset += adapter.rank * inp
                let b = offset
                offset += out * adapter.rank
                ranges.append(a..<b)
                ranges.append(b..<offset)
                s[p] = Slot(a: a, b: b, inFeatures: inp, outFeatures: out)
            }
            slots.append(s)
        }
        self.slots = slots
        tensorRanges = ranges
        values = FloatBuffer(count: offset)
        gradients = FloatBuffer(count: offset)
        for (l, layer) in adapter.layers.enumerated() {
            for (p, w) in layer {
                guard let slot = slots[l][p] else { continue }
                w.a.withUnsafeBufferPointer { (values.pointer + slot.a).update(from: $0.baseAddress!, count: w.a.count) }
                w.b.withUnsafeBufferPointer { (values.pointer + slot.b).update(from: $0.baseAddress!, count: w.b.count) }
            }
        }
    }

    /// Number of trainable parameters.
    public var count: Int { values.count }

    /// The current values as a PEFT-style adapter.
    public func adapter() -> LoRAAdapter {
        var result = template
        for l in result.layers.indices {
            for (p, slot) in slots[l] {
                let a = Array(UnsafeBufferPointer(start: values.pointer + slot.a, count: rank * slot.inFeatures))
                let b = Array(UnsafeBufferPointer(start: values.pointer + slot.b, count: slot.outFeatures * rank))
                result.layers[l][p] = LoRAWeights(a: a, b: b)
            }
        }
        return result
    }
}
