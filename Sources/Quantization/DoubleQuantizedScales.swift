/// Block absmax values quantized a second time (QLoRA's double quantization): their mean is subtracted and
/// the remainders are stored as signed dynamic 8-bit codes in blocks of 256, each with a float32 absmax.
public struct DoubleQuantizedScales: Sendable, Equatable {
    /// One 8-bit code per first-level block.
    public let codes: [UInt8]
    /// One float32 absmax per `blocksize2` codes.
    public let absmax2: [Float]
    /// The float32 mean of the first-level absmax values, added back on dequantization.
    public let offset: Float
    /// First-level blocks per second-level block.
    public let blocksize2: Int

    /// The second-level block size bitsandbytes uses.
    public static let defaultBlocksize2 = 256

    /// Double-quantizes `absmax` (finite, non-negative) in second-level blocks of 256.
    public init(absmax: [Float]) {
        let blocksize2 = Self.defaultBlocksize2
        let mean = Self.mean(absmax)
        let centred = absmax.map { $0 - mean }
        let nested = BlockwiseQuantized8(quantizingFinite: centred, blocksize: blocksize2)
        codes = nested.codes
        absmax2 = nested.absmax
        offset = mean
        self.blocksize2 = blocksize2
    }

    /// The float32 mean, summed in an order modelled on PyTorch's CUDA reduction, which produced the
    /// reference offsets.
    ///
    /// The offset's last bit depends on summation order, and an ulp there can move an 8-bit code. Summing
    /// in 64 strided lanes, folding them to 32, adding those as a pairwise tree and multiplying by the
    /// float32 reciprocal of the count (as PyTorch's mean does) reproduces bitsandbytes' offset on all six
    /// reference cases, where a correctly rounded mean misses three of them by an ulp.
    static func mean(_ values: [Float]) -> Float {
        guard !values.isEmpty else { return 0 }
        var lanes = [Float](repeating: 0, count: 64)
        for (i, v) in values.enumerated() { lanes[i & 63] += v }
        for i in 0..<32 { lanes[i] += lanes[i + 32] }
        var width = 1
        while width < 32 {
            for i in stride(from: 0, to: 32, by: 2 * width) { lanes[i] += lanes[i + width] }
            width *= 2
        }
        return lanes[0] * (1 / Float(values.count))
    }

    /// Stored parts (e.g. from a checkpoint), checked for consistency.
    public init(codes: [UInt8], absmax2: [Float], offset: Float, blocksize2: Int = DoubleQuantizedScales.defaultBlocksize2) throws(QuantizationError) {
        // A power of two lets dequantization find a block's second-level scale with a shift.
        guard blocksize2 > 0, blocksize2 & (blocksize2 - 1) == 0 else {
            throw .inconsistentState("second-level block size \(blocksize2) is not a positive power of two")
        }
        let blocks = (codes.count + blocksize2 - 1) / blocksize2
        guard absmax2.count == blocks else {
            throw .inconsistentState("\(codes.count) absmax codes in blocks of \(blocksize2) need \(blocks) second-level absmax values, got \(absmax2.count)")
        }
        self.codes = codes
        self.absmax2 = absmax2
        self.offset = offset
        self.blocksize2 = blocksize2
    }

    /// Number of first-level blocks.
    public var count: Int { codes.count }

    /// The first-level absmax of `block`: `map[code] · absmax2 + offset`, rounded in float32 at each step as
    /// bitsandbytes does (dequantize, then add the offset).
    @inlinable
    public func scale(ofBlock block: Int) -> Float {
        let product = DynamicMap.signed[Int(codes[block])] * absmax2[block / blocksize2]
        return product + offset
    }

    /// All first-level absmax values.
    public func scales() -> [Float] {
        (0..<count).map(scale(ofBlock:))
    }

    /// Storage in bits: 8 per code, 32 per second-level absmax, 32 for the offset.
    public var storageBits: Int { codes.count * 8 + absmax2.count * 32 + 32 }
}
