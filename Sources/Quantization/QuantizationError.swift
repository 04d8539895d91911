/// Why a quantization request or a stored quantized state was rejected.
public enum QuantizationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A 4-bit block size that bitsandbytes does not support (it accepts powers of two from 32 to 4096).
    case unsupportedBlocksize(Int)
    /// An 8-bit block size that is not positive.
    case nonPositiveBlocksize(Int)
    /// The shape's element count differs from the number of values supplied.
    case shapeMismatch(shape: [Int], count: Int)
    /// A value that is NaN or infinite: its block's scale would be meaningless.
    case nonFiniteValue(index: Int, value: Float)
    /// Stored parts that cannot belong together (e.g. a packed buffer of the wrong length).
    case inconsistentState(String)

    public var description: String {
        switch self {
        case .unsupportedBlocksize(let b):
            "block size \(b) is not supported for 4-bit quantization (use a power of two from 32 to 4096; default 64)"
        case .nonPositiveBlocksize(let b):
            "block size \(b) is not positive"
        case .shapeMismatch(let shape, let count):
            "shape \(shape) holds \(shape.reduce(1, *)) elements but \(count) values were given"
        case .nonFiniteValue(let index, let value):
            "value \(value) at flat index \(index) is not finite and cannot be quantized"
        case .inconsistentState(let message):
            "inconsistent quantized state: \(message)"
        }
    }
}
