/// A float32 tensor stored blockwise in 4 bits (NF4, FP4 or Int4), the way bitsandbytes stores it.
///
/// Blocks run over the flattened, row-major tensor; each has an absmax, and every element is stored as the
/// code nearest to `x · (1/absmax)`. Two codes share a byte, the first element in the high nibble; an odd
/// count is padded with the code of zero. An all-zero block stores the code of zero and dequantizes to 0.
public struct QuantizedTensor: Sendable, Equatable {
    /// The tensor's shape.
    public let shape: [Int]
    /// The 4-bit data type.
    public let type: QuantizationType
    /// Elements per block (a power of two, 32…4096).
    public let blocksize: Int
    /// Two codes per byte, first element in the high nibble; `(count + 1) / 2` bytes.
    public let packed: [UInt8]
    /// One scale per block.
    public let scales: BlockScales
    /// Number of elements.
    public let count: Int

    /// Block sizes bitsandbytes supports for 4-bit quantization.
    public static let supportedBlocksizes = [32, 64, 128, 256, 512, 1024, 2048, 4096]

    /// Number of blocks.
    public var blockCount: Int { (count + blocksize - 1) / blocksize }

    /// Quantizes `values` (row-major, `shape`) in blocks of `blocksize`, optionally double-quantizing the
    /// block absmax values (their mean subtracted, signed dynamic 8-bit codes in blocks of 256).
    public init(quantizing values: [Float], shape: [Int], type: QuantizationType, blocksize: Int = 64, doubleQuant: Bool) throws(QuantizationError) {
        try Self.validate(shape: shape, count: values.count, blocksize: blocksize)
        if let bad = values.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(index: bad, value: values[bad]) }
        let (packed, absmax) = Self.encode(values, codebook: type.codebook, blocksize: blocksize)
        self.shape = shape
        self.type = type
        self.blocksize = blocksize
        self.packed = packed
        count = values.count
        scales = doubleQuant ? .doubleQuantized(DoubleQuantizedScales(absmax: absmax)) : .absmax(absmax)
    }

    /// A tensor from stored parts (e.g. a bitsandbytes checkpoint), checked for consistency.
    public init(shape: [Int], type: QuantizationType, blocksize: Int, packed: [UInt8], scales: BlockScales) throws(QuantizationError) {
        let count = shape.reduce(1, *)
        try Self.validate(shape: shape, count: count, blocksize: blocksize)
        guard packed.count == (count + 1) / 2 else {
            throw .inconsistentState("\(count) elements pack into \((count + 1) / 2) bytes, got \(packed.count)")
        }
        let blocks = (count + blocksize - 1) / blocksize
        guard scales.count == blocks else {
            throw .inconsistentState("\(count) elements in blocks of \(blocksize) need \(blocks) scales, got \(scales.count)")
        }
        self.shape = shape
        self.type = type
        self.blocksize = blocksize
        self.packed = packed
        self.scales = scales
        self.count = count
    }

    private static func validate(shape: [Int], count: Int, blocksize: Int) throws(QuantizationError) {
        guard supportedBlocksizes.contains(blocksize) else { throw .unsupportedBlocksize(blocksize) }
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == count else {
            throw .shapeMismatch(shape: shape, count: count)
        }
    }

    /// Packed codes and per-block absmax of finite `values`.
    private static func encode(_ values: [Float], codebook: FourBitCodebook, blocksize: Int) -> ([UInt8], [Float]) {
        let n = values.count
        var absmax = [Float](repeating: 0, count: (n + blocksize - 1) / blocksize)
        var packed = [UInt8](repeating: 0, count: (n + 1) / 2)
        values.withUnsafeBufferPointer { v in
            packed.withUnsafeMutableBufferPointer { out in
                codebook.thresholds.withUnsafeBufferPointer { t in
                    codebook.codeForRank.withUnsafeBufferPointer { ranks in
                        for block in absmax.indices {
                            let lo = block * blocksize
                            let hi = min(n, lo + blocksize)
                            var m: Float = 0
                            for i in lo..<hi { m = max(m, abs(v[i])) }
                            absmax[block] = m
                            // The reference scales by the float32 reciprocal; 1/0 would poison the block,
                            // so an all-zero block takes the zero code directly.
                            let inverse: Float = m > 0 ? 1 / m : 0
                            // Blocks hold an even number of elements, so each starts on a byte boundary.
                            for i in stride(from: lo, to: hi, by: 2) {
                                let high = codebook.code(for: v[i] * inverse, thresholds: t, codes: ranks)
                                let low = i + 1 < hi
                                    ? codebook.code(for: v[i + 1] * inverse, thresholds: t, codes: ranks)
                                    : codebook.zeroCode
                                out[i >> 1] = high << 4 | low
                            }
                        }
                    }
                }
            }
        }
        return (packed, absmax)
    }

    /// The code of element `index` (flattened).
    public func code(at index: Int) -> UInt8 {
        let byte = packed[index >> 1]
        return index & 1 == 0 ? byte >> 4 : byte & 0x0F
    }

    /// All elements, dequantized to float32 in row-major order.
    public func dequantized() -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress { dequantize(elements: 0..<count, into: base) }
            initialized = count
        }
    }

    /// Exact storage in bits: 8 per packed byte plus the scales (32 per absmax, or with double
    /// quantization 8 per code, 32 per second-level absmax and 32 for the offset).
    public var storageBits: Int { packed.count * 8 + scales.storageBits }

    /// Storage bits per element.
    public var bitsPerElement: Double { count == 0 ? 0 : Double(storageBits) / Double(count) }
}
