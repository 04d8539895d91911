import ExperimentSpec
import Models
import Quantization
import Tensors

// ExperimentSpec holds plain values with no dependency on the model code, so its storage types and LoRA targets
// mirror Quantization's and Llama's. These exhaustive switches are the one place the two meet: a case added on
// either side stops the build here instead of failing a force-unwrap at run time.

extension QuantizationKind {
    /// The 4-bit type that stores the frozen weights, or nil when they stay float32 (`none`).
    public var quantizationType: QuantizationType? {
        switch self {
        case .nf4: .nf4
        case .fp4: .fp4
        case .int4: .int4
        case .none: nil
        }
    }

    /// How the frozen weights are quantized with these block settings, or nil when they stay float32.
    public func weightQuantization(blocksize: Int, doubleQuant: Bool) -> WeightQuantization? {
        quantizationType.map { WeightQuantization(type: $0, blocksize: blocksize, doubleQuant: doubleQuant) }
    }
}

extension ModelSettings {
    /// How the frozen weights are quantized, or nil when they stay float32.
    public var weightQuantization: WeightQuantization? {
        quantization.weightQuantization(blocksize: blocksize, doubleQuant: doubleQuant)
    }

    /// How the frozen projections' products are computed.
    public var computePrecision: ComputePrecision {
        switch compute {
        case .float32: .float32
        case .bf16: .bf16
        }
    }
}

extension LoRATarget {
    /// The model projection this target adapts.
    public var projection: Projection {
        switch self {
        case .q: .q
        case .k: .k
        case .v: .v
        case .o: .o
        case .gate: .gate
        case .up: .up
        case .down: .down
        }
    }

    /// The target that adapts `projection`.
    public init(_ projection: Projection) {
        switch projection {
        case .q: self = .q
        case .k: self = .k
        case .v: self = .v
        case .o: self = .o
        case .gate: self = .gate
        case .up: self = .up
        case .down: self = .down
        }
    }
}
