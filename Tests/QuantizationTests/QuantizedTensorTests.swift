import Foundation
import Testing
import Tensors
@testable import Quantization

@Suite struct QuantizedTensorTests {
    static func randomValues(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in (rng.nextUniform() * 2 - 1) * (1 + 3 * rng.nextUniform()) }
    }

    @Test(arguments: QuantizationType.allCases, [false, true])
    func rangeDequantizationEqualsFullDequantization(type: QuantizationType, doubleQuant: Bool) throws {
        // Odd element count (padded last byte), a partial last block, blocks of 32 so ranges cross many.
        let count = 96 * 33 + 7
        let q = try QuantizedTensor(quantizing: Self.randomValues(count, seed: 1), shape: [count],
                                    type: type, blocksize: 32, doubleQuant: doubleQuant)
        let full = q.dequantized()
        var rng = SeededGenerator(seed: 2)
        var ranges: [Range<Int>] = [0..<count, 0..<0, 5..<5, count..<count, 0..<1, 1..<2, count - 1..<count,
                                    31..<33, 32..<64, 33..<63, 1..<count, 0..<count - 1]
        for _ in 0..<300 {
            let a = Int(rng.next() % UInt64(count + 1))
            let b = Int(rng.next() % UInt64(count + 1))
            ranges.append(min(a, b)..<max(a, b))
        }
        // Short ranges too, where the start and end fall in one block or one byte.
        for _ in 0..<300 {
            let a = Int(rng.next() % UInt64(count))
            ranges.append(a..<min(count, a + Int(rng.next() % 5)))
        }
        let sentinel = Float.nan
        var buffer = [Float](repeating: sentinel, count: count + 1)
        for range in ranges {
            for i in buffer.indices { buffer[i] = sentinel }
            buffer.withUnsafeMutableBufferPointer { q.dequantize(elements: range, into: $0.baseAddress!) }
            let firstMismatch = zip(buffer[0..<range.count], full[range]).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            #expect(firstMismatch == nil, "range \(range): first mismatch at offset \(firstMismatch ?? -1)")
            #expect(buffer[range.count].isNaN, "range \(range) wrote past its end")
        }
    }

    @Test func rowsOfAWeightMatrix() throws {
        let rows = 96, columns = 200
        let values = Self.randomValues(rows * columns, seed: 3)
        let q = try QuantizedTensor(quantizing: values, shape: [rows, columns], type: .nf4, doubleQuant: true)
        let full = q.dequantized()
        var out = [Float](repeating: 0, count: 7 * columns)
        for r0 in stride(from: 0, to: rows, by: 7) {
            let r1 = min(rows, r0 + 7)
            out.withUnsafeMutableBufferPointer { q.dequantize(elements: r0 * columns ..< r1 * columns, into: $0.baseAddress!) }
            #expect(Array(out[0..<(r1 - r0) * columns]) == Array(full[r0 * columns ..< r1 * columns]))
        }
    }

    @Test func storageBitsOfKnownCases() throws {
        let values = Self.randomValues(4096, seed: 4)
        let plain = try QuantizedTensor(quantizing: values, shape: [4096], type: .nf4, doubleQuant: false)
        #expect(plain.storageBits == 4096 * 4 + 64 * 32)
        #expect(plain.bitsPerElement == 4.5)
        let dq = try QuantizedTensor(quantizing: values, shape: [4096], type: .nf4, doubleQuant: true)
        #expect(dq.storageBits == 4096 * 4 + 64 * 8 + 1 * 32 + 32)
        // 70,000 elements: 1,094 blocks, 5 second-level blocks; the odd-length case rounds up to whole bytes.
        let large = try QuantizedTensor(quantizing: Self.randomValues(70_001, seed: 5), shape: [70_001], type: .fp4, doubleQuant: true)
        #expect(large.storageBits == 35_001 * 8 + 1094 * 8 + 5 * 32 + 32)
        // The paper's 4 + 8/64 + 32/(64·256) ≈ 4.127 bits, plus the one offset of the whole tensor.
        let n = 64 * 256 * 4
        let paper = try QuantizedTensor(quantizing: Self.randomValues(n, seed: 6), shape: [n], type: .nf4, doubleQuant: true)
        #expect(paper.bitsPerElement == 4 + 8.0 / 64 + 32.0 / (64 * 256) + 32.0 / Double(n))
    }

    @Test(arguments: [0, 1, 16, 48, 63, 65, 100, 8192, -64])
    func unsupportedBlocksizeThrows(blocksize: Int) {
        #expect(throws: QuantizationError.unsupportedBlocksize(blocksize)) {
            try QuantizedTensor(quantizing: [1, 2, 3, 4], shape: [4], type: .nf4, blocksize: blocksize, doubleQuant: false)
        }
    }

    @Test(arguments: QuantizedTensor.supportedBlocksizes)
    func supportedBlocksizesRoundTrip(blocksize: Int) throws {
        let values = Self.randomValues(5000, seed: 7)
        let q = try QuantizedTensor(quantizing: values, shape: [50, 100], type: .nf4, blocksize: blocksize, doubleQuant: false)
        #expect(q.blockCount == (5000 + blocksize - 1) / blocksize)
        #expect(q.shape == [50, 100])
        let back = q.dequantized()
        // Half of NF4's widest gap (−1 to −0.6962) bounds the error relative to the block absmax.
        let nf4 = FourBitCodebook.nf4.values
        let halfGap = zip(nf4, nf4.dropFirst()).map { ($1 - $0) / 2 }.max()!
        #expect(abs(halfGap - 0.1519036) < 1e-6)
        for block in 0..<q.blockCount {
            let r = block * blocksize ..< min(5000, (block + 1) * blocksize)
            let absmax = values[r].map(abs).max()!
            for i in r { #expect(abs(values[i] - back[i]) <= halfGap * absmax * 1.00001) }
        }
    }

    @Test func badInputThrows() {
        #expect(throws: QuantizationError.shapeMismatch(shape: [2, 3], count: 5)) {
            try QuantizedTensor(quantizing: [1, 2, 3, 4, 5], shape: [2, 3], type: .nf4, doubleQuant: false)
        }
        #expect(throws: QuantizationError.nonFiniteValue(index: 2, value: -.infinity)) {
            try QuantizedTensor(quantizing: [1, 2, -.infinity, 4], shape: [4], type: .fp4, doubleQuant: true)
        }
        #expect(throws: QuantizationError.self) {
            try QuantizedTensor(quantizing: [1, .nan], shape: [2], type: .int4, doubleQuant: false)
        }
        #expect(throws: QuantizationError.self) {
            try QuantizedTensor(shape: [4], type: .nf4, blocksize: 64, packed: [0, 0, 0], scales: .absmax([1]))
        }
        #expect(throws: QuantizationError.self) {
            try QuantizedTensor(shape: [130], type: .nf4, blocksize: 64, packed: Array(repeating: 0, count: 65), scales: .absmax([1, 1]))
        }
        #expect(throws: QuantizationError.self) {
            try DoubleQuantizedScales(codes: Array(repeating: 0, count: 300), absmax2: [1], offset: 0)
        }
        #expect(throws: QuantizationError.self) {
            try DoubleQuantizedScales(codes: Array(repeating: 0, count: 300), absmax2: [1], offset: 0, blocksize2: 300)
        }
        #expect(QuantizationError.unsupportedBlocksize(48).description.contains("48"))
    }

    @Test func storedPartsRoundTrip() throws {
        let values = Self.randomValues(1001, seed: 8)
        let q = try QuantizedTensor(quantizing: values, shape: [7, 143], type: .fp4, doubleQuant: true)
        guard case .doubleQuantized(let dq) = q.scales else { Issue.record("expected double quantization"); return }
        let parts = try DoubleQuantizedScales(codes: dq.codes, absmax2: dq.absmax2, offset: dq.offset)
        let rebuilt = try QuantizedTensor(shape: [7, 143], type: .fp4, blocksize: 64, packed: q.packed, scales: .doubleQuantized(parts))
        #expect(rebuilt == q)
        #expect(rebuilt.dequantized() == q.dequantized())
    }

    @Test func int4RoundTripErrorIsAtMostHalfAStep() throws {
        let values = Self.randomValues(64 * 200, seed: 9)
        let q = try QuantizedTensor(quantizing: values, shape: [values.count], type: .int4, doubleQuant: false)
        guard case .absmax(let absmax) = q.scales else { Issue.record("expected plain absmax"); return }
        let back = q.dequantized()
        var worstRatio: Float = 0
        for i in values.indices {
            let step = absmax[i / 64] / 7
            worstRatio = max(worstRatio, abs(values[i] - back[i]) / step)
            // Every dequantized value is an integer multiple of absmax/7.
            let k = back[i] / step
            #expect(abs(k - k.rounded()) < 1e-4 && abs(k.rounded()) <= 7)
        }
        // Round to nearest: never more than half a step off, and random data comes close to that bound.
        #expect(worstRatio <= 0.5 + 1e-5)
        #expect(worstRatio > 0.45)
        #expect((0..<values.count).allSatisfy { q.code(at: $0) != 15 })
    }

    @Test(arguments: QuantizationType.allCases, [false, true])
    func allZeroBlockDequantizesToExactZero(type: QuantizationType, doubleQuant: Bool) throws {
        var values = Self.randomValues(64 * 3 + 1, seed: 10)
        for i in 64..<128 { values[i] = 0 }
        let q = try QuantizedTensor(quantizing: values, shape: [values.count], type: type, doubleQuant: doubleQuant)
        let zero = type.codebook.zeroCode
        #expect((64..<128).allSatisfy { q.code(at: $0) == zero })
        #expect(q.dequantized()[64..<128].allSatisfy { $0 == 0 })
        // The odd count pads the last byte's low nibble with the zero code.
        #expect(q.packed.count == 97)
        #expect(q.packed[96] & 0x0F == zero)
    }

    /// The reference scales by the float32 reciprocal, `x · (1/absmax)`, not `x / absmax`; the two round
    /// differently for some values next to a midpoint, and there the code must follow the reciprocal.
    @Test func scalingUsesTheFloat32Reciprocal() throws {
        let codebook = FourBitCodebook.nf4
        let sorted = codebook.values
        var found = 0
        var rng = SeededGenerator(seed: 11)
        search: for _ in 0..<20_000 {
            let absmax = 1 + rng.nextUniform() * 3
            let k = Int(rng.next() % 15)
            let midpoint = (sorted[k] + sorted[k + 1]) / 2
            var x = midpoint * absmax
            for _ in 0..<4 {
                let byReciprocal = codebook.code(for: x * (1 / absmax))
                let byDivision = codebook.code(for: x / absmax)
                if byReciprocal != byDivision {
                    // Both nibbles: the high and the low one are encoded separately.
                    let q = try QuantizedTensor(quantizing: [x, x, absmax], shape: [3], type: .nf4, doubleQuant: false)
                    #expect(q.code(at: 2) == 15)
                    #expect(q.code(at: 0) == byReciprocal && q.code(at: 1) == byReciprocal, "x \(x), absmax \(absmax)")
                    found += 1
                    if found == 20 { break search }
                }
                x = x.nextUp
            }
        }
        #expect(found == 20, "too few values where the two scalings disagree to test the rule")
    }

    @Test func packingPutsTheFirstElementInTheHighNibble() throws {
        let q = try QuantizedTensor(quantizing: [-1, 1, 0], shape: [3], type: .nf4, doubleQuant: false)
        #expect(q.packed == [0x0F, 0x77])
        #expect(q.dequantized() == [-1, 1, 0])
        let empty = try QuantizedTensor(quantizing: [], shape: [0], type: .nf4, doubleQuant: true)
        #expect(empty.dequantized().isEmpty && empty.storageBits == 32)
    }

    @Test func tensorRoundTripKeepsTheShape() throws {
        let tensor = Tensor(shape: [3, 50], scalars: Self.randomValues(150, seed: 13))
        let q = try QuantizedTensor(quantizing: tensor, type: .fp4, doubleQuant: false)
        let back = q.dequantizedTensor()
        #expect(back.shape == [3, 50])
        #expect(back.scalars == q.dequantized())
        #expect(q == (try QuantizedTensor(quantizing: tensor.scalars, shape: [3, 50], type: .fp4, doubleQuant: false)))
    }

    @Test func quantizationTypeCodable() throws {
        #expect(QuantizationType.allCases.map(\.rawValue) == ["nf4", "fp4", "int4"])
        let data = try JSONEncoder().encode([QuantizationType.fp4])
        #expect(String(decoding: data, as: UTF8.self) == "[\"fp4\"]")
        #expect(try JSONDecoder().decode([QuantizationType].self, from: Data("[\"int4\"]".utf8)) == [.int4])
    }
}
