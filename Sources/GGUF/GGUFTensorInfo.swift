/// One tensor's description in a GGUF file.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// The tensor's GGUF name (e.g. "blk.0.attn_q.weight").
    public let name: String
    /// Extents in GGML order: `dimensions[0]` is the innermost (fastest-varying) one.
    public let dimensions: [Int]
    /// The element type.
    public let type: GGUFTensorType
    /// Byte offset of the data, relative to the start of the file's data section.
    public let offset: Int
    /// Bytes the data occupies.
    public let byteCount: Int

    /// A tensor description; `byteCount` follows from the dimensions and the type.
    public init(name: String, dimensions: [Int], type: GGUFTensorType, offset: Int, byteCount: Int) {
        self.name = name
        self.dimensions = dimensions
        self.type = type
        self.offset = offset
        self.byteCount = byteCount
    }

    /// Number of elements.
    public var elementCount: Int { dimensions.reduce(1, *) }

    /// Extents outermost first, the order PyTorch and `Tensor` use (a `[in, out]` GGUF matrix is `[out, in]`).
    public var shape: [Int] { dimensions.reversed() }
}
