/// The product of a 4-bit weight with one vector, straight from the packed codes: decoding a token reads
/// each weight once, so dequantizing it into a buffer first (and reading that back) doubles the traffic.
extension QuantizedTensor {
    /// `y[r − rows.lowerBound] = Σ_c W[r, c] · x[c]` (or `+=` with `accumulate`) for `rows` of the tensor seen
    /// as `[count / columns, columns]`, W's values being exactly those `dequantize` gives.
    ///
    /// Each block's products are summed in a fixed order, then scaled by the block's constant: the same bits on
    /// every run and for every split of the rows. Allocates nothing.
    @inlinable
    public func matvec(rows: Range<Int>, columns: Int, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                       accumulate: Bool = false) {
        precondition(columns > 0 && rows.lowerBound >= 0 && rows.upperBound * columns <= count,
                     "rows \(rows) of width \(columns) are outside a tensor of \(count) elements")
        guard !rows.isEmpty else { return }
        let blocksize = self.blocksize
        withCodes { pairs, bytes, scale in
            Self.dotRows(rows, columns: columns, blocksize: blocksize, bytes: bytes, pairs: pairs, x: x, y: y,
                         accumulate: accumulate, scale: scale)
        }
    }

    /// Row by row, block by block: four running pair sums over the block's bytes, then one multiply by its scale.
    @inlinable @inline(__always)
    static func dotRows(_ rows: Range<Int>, columns: Int, blocksize: Int, bytes: UnsafeBufferPointer<UInt8>,
                        pairs: UnsafeBufferPointer<SIMD2<Float>>, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
                        accumulate: Bool, scale: (Int) -> Float) {
        let rawX = UnsafeRawPointer(x)
        for r in rows {
            var i = r * columns
            let end = i + columns
            var xi = 0
            var block = i / blocksize
            var total: Float = 0
            while i < end {
                let blockEnd = min(end, (block + 1) * blocksize)
                var edge: Float = 0
                if i & 1 != 0 {
                    // Starting mid-byte: the element is the low nibble.
                    edge += pairs[Int(bytes[i >> 1])].y * x[xi]
                    i += 1
                    xi += 1
                }
                let pairCount = (blockEnd - i) >> 1
                let firstByte = i >> 1
                var s0 = SIMD2<Float>(repeating: 0), s1 = s0, s2 = s0, s3 = s0
                var k = 0
                while k + 4 <= pairCount {
                    let base = (xi + 2 * k) * MemoryLayout<Float>.stride
                    s0 += pairs[Int(bytes[firstByte + k])] * rawX.loadUnaligned(fromByteOffset: base, as: SIMD2<Float>.self)
                    s1 += pairs[Int(bytes[firstByte + k + 1])] * rawX.loadUnaligned(fromByteOffset: base + 8, as: SIMD2<Float>.self)
                    s2 += pairs[Int(bytes[firstByte + k + 2])] * rawX.loadUnaligned(fromByteOffset: base + 16, as: SIMD2<Float>.self)
                    s3 += pairs[Int(bytes[firstByte + k + 3])] * rawX.loadUnaligned(fromByteOffset: base + 24, as: SIMD2<Float>.self)
                    k += 4
                }
                while k < pairCount {
                    let base = (xi + 2 * k) * MemoryLayout<Float>.stride
                    s0 += pairs[Int(bytes[firstByte + k])] * rawX.loadUnaligned(fromByteOffset: base, as: SIMD2<Float>.self)
                    k += 1
                }
                i += pairCount * 2
                xi += pairCount * 2
                if i < blockEnd {
                    // Ending mid-byte: the element is the high nibble.
                    edge += pairs[Int(bytes[i >> 1])].x * x[xi]
                    i += 1
                    xi += 1
                }
                let sum = (s0 + s1) + (s2 + s3)
                total += (sum.x + sum.y + edge) * scale(block)
                block += 1
            }
            let out = y + (r - rows.lowerBound)
            out.pointee = accumulate ? out.pointee + total : total
        }
    }
}
