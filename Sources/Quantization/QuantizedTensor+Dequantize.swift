/// Dequantization of element ranges: the hot path that runs before every product with a frozen weight.
extension QuantizedTensor {
    /// Writes the dequantized elements `range` of the flattened tensor to `output[0 ..< range.count]`.
    ///
    /// The range may start and end anywhere (mid-block, mid-byte). Rows `r0..<r1` of an `[out, in]` weight
    /// are `r0 * in ..< r1 * in`. Allocates nothing.
    @inlinable
    public func dequantize(elements range: Range<Int>, into output: UnsafeMutablePointer<Float>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= count,
                     "element range \(range) is outside 0..<\(count)")
        guard !range.isEmpty else { return }
        let blocksize = self.blocksize
        withCodes { pairs, bytes, scale in
            Self.decode(range, blocksize: blocksize, bytes: bytes, pairs: pairs, output: output, scale: scale)
        }
    }

    /// Calls `body` with the codebook's value pairs (high nibble, low nibble), the packed codes, and each
    /// block's scale: the absmax, or with double quantization its 8-bit code dequantized plus the offset.
    /// What every kernel reading the codes needs (dequantization, the matrix-vector product).
    @inlinable @inline(__always)
    func withCodes(_ body: (UnsafeBufferPointer<SIMD2<Float>>, UnsafeBufferPointer<UInt8>, (Int) -> Float) -> Void) {
        type.codebook.pairs.withUnsafeBufferPointer { pairs in
            packed.withUnsafeBufferPointer { bytes in
                switch scales {
                case .absmax(let absmax):
                    absmax.withUnsafeBufferPointer { a in body(pairs, bytes) { a[$0] } }
                case .doubleQuantized(let dq):
                    let offset = dq.offset
                    let shift2 = dq.blocksize2.trailingZeroBitCount
                    DynamicMap.signed.withUnsafeBufferPointer { map in
                        dq.codes.withUnsafeBufferPointer { codes in
                            dq.absmax2.withUnsafeBufferPointer { absmax2 in
                                body(pairs, bytes) { block in
                                    // Two float32 roundings, as the reference: dequantize the code, then add the offset.
                                    let product = map[Int(codes[block])] * absmax2[block >> shift2]
                                    return product + offset
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Decodes `range` block by block: one scale per block, one table load and one two-lane multiply per byte.
    @inlinable @inline(__always)
    static func decode(_ range: Range<Int>, blocksize: Int, bytes: UnsafeBufferPointer<UInt8>,
                       pairs: UnsafeBufferPointer<SIMD2<Float>>, output: UnsafeMutablePointer<Float>,
                       scale: (Int) -> Float) {
        let end = range.upperBound
        var i = range.lowerBound
        var out = output
        var block = i / blocksize
        let raw = UnsafeMutableRawPointer(output)
        while i < end {
            let blockEnd = min(end, (block + 1) * blocksize)
            let s = scale(block)
            let s2 = SIMD2<Float>(repeating: s)
            if i & 1 != 0 {
                // A range starting mid-byte: the element is the low nibble.
                out.pointee = pairs[Int(bytes[i >> 1])].y * s
                i += 1
                out += 1
            }
            let pairCount = (blockEnd - i) >> 1
            let firstByte = i >> 1
            let rawOut = raw + (i - range.lowerBound) * MemoryLayout<Float>.stride
            for k in 0..<pairCount {
                let value = pairs[Int(bytes[firstByte + k])] * s2
                rawOut.storeBytes(of: value, toByteOffset: k * 8, as: SIMD2<Float>.self)
            }
            i += pairCount * 2
            out += pairCount * 2
            if i < blockEnd {
                // A range ending mid-byte: the element is the high nibble.
                out.pointee = pairs[Int(bytes[i >> 1])].x * s
                i += 1
                out += 1
            }
            block += 1
        }
    }
}
