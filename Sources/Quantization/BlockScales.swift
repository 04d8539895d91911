/// The per-block scales of a 4-bit tensor: plain float32 absmax values, or their double-quantized form.
public enum BlockScales: Sendable, Equatable {
    /// One float32 absmax per block.
    case absmax([Float])
    /// Absmax values stored as 8-bit codes around their mean (QLoRA's double quantization).
    case doubleQuantized(DoubleQuantizedScales)

    /// Number of blocks these scales cover.
    public var count: Int {
        switch self {
        case .absmax(let values): values.count
        case .doubleQuantized(let dq): dq.count
        }
    }

    /// The absmax of every block as dequantization uses it.
    public func resolved() -> [Float] {
        switch self {
        case .absmax(let values): values
        case .doubleQuantized(let dq): dq.scales()
        }
    }

    /// Bits the scales occupy: 32 per absmax, or 8 per code + 32 per second-level absmax + 32 for the offset.
    public var storageBits: Int {
        switch self {
        case .absmax(let values): values.count * 32
        case .doubleQuantized(let dq): dq.storageBits
        }
    }
}
