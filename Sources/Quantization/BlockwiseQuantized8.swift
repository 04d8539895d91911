/// A float array stored as 8-bit codes on a dynamic map, with one float32 absmax per block.
public struct BlockwiseQuantized8: Sendable, Equatable {
    /// Number of values.
    public let count: Int
    /// Values per block (the last block may be shorter).
    public let blocksize: Int
    /// Whether the signed or the unsigned dynamic map is used.
    public let signed: Bool
    /// One code per value.
    public private(set) var codes: [UInt8]
    /// One absmax per block.
    public private(set) var absmax: [Float]

    /// The default block size of bitsandbytes' blockwise 8-bit optimizer states (0.44 and later).
    public static let defaultBlocksize = 256

    /// The codec for this array's map.
    public var codec: EightBitCodec { signed ? .signed : .unsigned }

    /// Number of blocks.
    public var blockCount: Int { absmax.count }

    /// Quantizes `values` in blocks of `blocksize` (any positive size).
    public init(quantizing values: [Float], signed: Bool = true, blocksize: Int = BlockwiseQuantized8.defaultBlocksize) throws(QuantizationError) {
        guard blocksize > 0 else { throw .nonPositiveBlocksize(blocksize) }
        if let bad = values.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(index: bad, value: values[bad]) }
        self.init(quantizingFinite: values, signed: signed, blocksize: blocksize)
    }

    /// Quantizes values already known to be finite, with a block size already known to be positive.
    init(quantizingFinite values: [Float], signed: Bool = true, blocksize: Int) {
        self.init(validZeroCount: values.count, signed: signed, blocksize: blocksize)
        values.withUnsafeBufferPointer { v in
            for block in 0..<blockCount {
                let r = blockRange(block)
                requantizeBlock(block, from: UnsafeBufferPointer(rebasing: v[r]))
            }
        }
    }

    /// `count` zeros (every code the map's zero, every absmax 0): a fresh optimizer state.
    public init(zeroCount count: Int, signed: Bool = true, blocksize: Int = BlockwiseQuantized8.defaultBlocksize) throws(QuantizationError) {
        guard blocksize > 0 else { throw .nonPositiveBlocksize(blocksize) }
        guard count >= 0 else { throw .inconsistentState("element count \(count) is negative") }
        self.init(validZeroCount: count, signed: signed, blocksize: blocksize)
    }

    private init(validZeroCount count: Int, signed: Bool, blocksize: Int) {
        self.count = count
        self.blocksize = blocksize
        self.signed = signed
        let codec: EightBitCodec = signed ? .signed : .unsigned
        codes = Array(repeating: codec.zeroCode, count: count)
        absmax = Array(repeating: 0, count: (count + blocksize - 1) / blocksize)
    }

    /// Stored parts (e.g. from a checkpoint), checked for consistency.
    public init(codes: [UInt8], absmax: [Float], signed: Bool, blocksize: Int) throws(QuantizationError) {
        guard blocksize > 0 else { throw .nonPositiveBlocksize(blocksize) }
        let blocks = (codes.count + blocksize - 1) / blocksize
        guard absmax.count == blocks else {
            throw .inconsistentState("\(codes.count) codes in blocks of \(blocksize) need \(blocks) absmax values, got \(absmax.count)")
        }
        count = codes.count
        self.blocksize = blocksize
        self.signed = signed
        self.codes = codes
        self.absmax = absmax
    }

    /// The element range of `block`.
    public func blockRange(_ block: Int) -> Range<Int> {
        block * blocksize ..< min(count, (block + 1) * blocksize)
    }

    /// All values, dequantized.
    public func dequantized() -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for block in 0..<blockCount {
                let r = blockRange(block)
                dequantizeBlock(block, into: UnsafeMutableBufferPointer(rebasing: buffer[r]))
            }
            initialized = count
        }
    }

    /// Writes block `block`'s dequantized values into `values` (exactly the block's length).
    public func dequantizeBlock(_ block: Int, into values: UnsafeMutableBufferPointer<Float>) {
        let r = blockRange(block)
        codes.withUnsafeBufferPointer { c in
            codec.dequantizeBlock(UnsafeBufferPointer(rebasing: c[r]), absmax: absmax[block], into: values)
        }
    }

    /// Replaces block `block` with the quantization of `values` (exactly the block's length, finite).
    public mutating func requantizeBlock(_ block: Int, from values: UnsafeBufferPointer<Float>) {
        let r = blockRange(block)
        let codec = self.codec
        absmax[block] = codes.withUnsafeMutableBufferPointer { c in
            codec.quantizeBlock(values, into: UnsafeMutableBufferPointer(rebasing: c[r]))
        }
    }

    /// Storage in bits: 8 per code and 32 per absmax.
    public var storageBits: Int { codes.count * 8 + absmax.count * 32 }
}
