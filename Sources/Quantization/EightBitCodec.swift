/// Blockwise 8-bit quantization onto a 256-value map (bitsandbytes' `quantize_blockwise`): each block is
/// divided by its absmax and every value takes the nearest code by float32 midpoints (a value exactly on a
/// midpoint takes the lower code).
public struct EightBitCodec: Sendable, Equatable {
    /// The value of each code, ascending (index = code).
    public let map: [Float]
    /// The code whose value is exactly zero: an all-zero block stores it, so it dequantizes to 0.
    public let zeroCode: UInt8
    /// The 255 midpoints between adjacent map values, then +∞, so a fixed eight-step search needs no bounds checks.
    @usableFromInline let thresholds: [Float]

    /// The signed dynamic map: double-quantization constants and the first Adam moment.
    public static let signed = EightBitCodec(validMap: DynamicMap.signed)
    /// The unsigned dynamic map: the second Adam moment.
    public static let unsigned = EightBitCodec(validMap: DynamicMap.unsigned)

    /// A codec over any 256 ascending finite values that include zero (e.g. a map read from a checkpoint).
    public init(map: [Float]) throws(QuantizationError) {
        guard map.count == 256 else { throw .inconsistentState("an 8-bit map needs 256 values, got \(map.count)") }
        guard map.allSatisfy(\.isFinite), zip(map, map.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw .inconsistentState("an 8-bit map must hold finite values in strictly ascending order")
        }
        guard map.contains(0) else { throw .inconsistentState("an 8-bit map must contain 0") }
        self.init(validMap: map)
    }

    private init(validMap map: [Float]) {
        self.map = map
        zeroCode = UInt8(map.firstIndex(of: 0) ?? 0)
        thresholds = zip(map, map.dropFirst()).map { ($0 + $1) / 2 } + [.infinity]
    }

    /// The code for `x`, a value already divided by its block's absmax.
    @inlinable
    public func code(for x: Float) -> UInt8 {
        thresholds.withUnsafeBufferPointer { Self.search(x, $0) }
    }

    /// Rank of `x` among the midpoints: how many lie strictly below it.
    @inlinable @inline(__always)
    static func search(_ x: Float, _ t: UnsafeBufferPointer<Float>) -> UInt8 {
        // Branch-free: optimizer states are noise to a branch predictor, and eight mispredicted branches per value
        // cost more than the whole update around them.
        var rank = 0
        var step = 128
        while step > 0 {
            let above = x > t[rank + step - 1]
            rank &+= step & (0 &- Int(above ? 1 : 0))
            step >>= 1
        }
        return UInt8(truncatingIfNeeded: rank)
    }

    /// Quantizes one block of finite values into `codes` (same count) and returns the block's absmax.
    ///
    /// Meant for optimizer states requantized block by block in place: nothing is allocated.
    @inlinable
    public func quantizeBlock(_ values: UnsafeBufferPointer<Float>, into codes: UnsafeMutableBufferPointer<UInt8>) -> Float {
        precondition(codes.count == values.count, "a block's codes and values must have the same count")
        var absmax: Float = 0
        for v in values { absmax = max(absmax, abs(v)) }
        guard absmax > 0 else {
            for i in codes.indices { codes[i] = zeroCode }
            return 0
        }
        // The reference multiplies by the float32 reciprocal rather than dividing; the codes depend on it.
        let inverse = 1 / absmax
        thresholds.withUnsafeBufferPointer { t in
            for i in values.indices { codes[i] = Self.search(values[i] * inverse, t) }
        }
        return absmax
    }

    /// Quantizes whole blocks of `blocksize` (the last may be shorter) from `values` into `codes` (same
    /// count) and `absmax` (one per block): for states that live in caller-owned or memory-mapped buffers.
    @inlinable
    public func quantizeBlocks(_ values: UnsafeBufferPointer<Float>, blocksize: Int,
                               codes: UnsafeMutableBufferPointer<UInt8>, absmax: UnsafeMutableBufferPointer<Float>) {
        precondition(blocksize > 0 && codes.count == values.count
                     && absmax.count == (values.count + blocksize - 1) / blocksize, "buffer sizes disagree")
        for block in absmax.indices {
            let r = block * blocksize ..< min(values.count, (block + 1) * blocksize)
            absmax[block] = quantizeBlock(UnsafeBufferPointer(rebasing: values[r]),
                                          into: UnsafeMutableBufferPointer(rebasing: codes[r]))
        }
    }

    /// Dequantizes whole blocks of `blocksize` (the last may be shorter) from `codes` and `absmax` into `values`.
    @inlinable
    public func dequantizeBlocks(_ codes: UnsafeBufferPointer<UInt8>, absmax: UnsafeBufferPointer<Float>, blocksize: Int,
                                 into values: UnsafeMutableBufferPointer<Float>) {
        precondition(blocksize > 0 && codes.count == values.count
                     && absmax.count == (values.count + blocksize - 1) / blocksize, "buffer sizes disagree")
        for block in absmax.indices {
            let r = block * blocksize ..< min(values.count, (block + 1) * blocksize)
            dequantizeBlock(UnsafeBufferPointer(rebasing: codes[r]), absmax: absmax[block],
                            into: UnsafeMutableBufferPointer(rebasing: values[r]))
        }
    }

    /// Dequantizes one block: `map[code] · absmax` in float32.
    @inlinable
    public func dequantizeBlock(_ codes: UnsafeBufferPointer<UInt8>, absmax: Float, into values: UnsafeMutableBufferPointer<Float>) {
        precondition(codes.count == values.count, "a block's codes and values must have the same count")
        map.withUnsafeBufferPointer { m in
            for i in codes.indices { values[i] = m[Int(codes[i])] * absmax }
        }
    }
}
