import Quantization

/// How the frozen linear weights of a base model are stored.
public struct WeightQuantization: Codable, Sendable, Equatable, Hashable {
    /// The 4-bit data type.
    public var type: QuantizationType
    /// Elements per block.
    public var blocksize: Int
    /// Whether the block constants are quantized again (8-bit, blocks of 256).
    public var doubleQuant: Bool

    /// A quantization setting; QLoRA's is NF4, blocks of 64, double quantization.
    public init(type: QuantizationType = .nf4, blocksize: Int = 64, doubleQuant: Bool = true) {
        self.type = type
        self.blocksize = blocksize
        self.doubleQuant = doubleQuant
    }

    /// QLoRA's storage: NF4 in blocks of 64 with double quantization.
    public static let qlora = WeightQuantization()
}
