import Testing
import Tensors
@testable import Quantization

@Suite struct EightBitTests {
    @Test func blockwise8MatchesReference() throws {
        let file = try ReferenceFixtures.file("blockwise8_5000")
        let input = try file.floats("input")
        #expect(try file.floats("code") == DynamicMap.signed)
        let q = try BlockwiseQuantized8(quantizing: input, signed: true, blocksize: 256)
        #expect(q.blockCount == 20)
        #expect(q.absmax == (try file.floats("absmax")))
        let referenceCodes = try file.bytes("codes")
        let differing = zip(q.codes, referenceCodes).filter { $0 != $1 }.count
        #expect(q.codes.count == referenceCodes.count)
        #expect(differing == 0, "\(differing) codes differ")
        #expect(q.dequantized() == (try file.floats("dequant")))
    }

    @Test func blockRequantizationInPlaceEqualsWholeQuantization() throws {
        var rng = SeededGenerator(seed: 8)
        let a = (0..<1000).map { _ in rng.nextUniform() * 2 - 1 }
        let b = (0..<1000).map { _ in rng.nextUniform() * 4 }
        var state = try BlockwiseQuantized8(quantizing: a, signed: false, blocksize: 100)
        // Replace the state block by block, as an optimizer step does, through a scratch buffer.
        var scratch = [Float](repeating: 0, count: 100)
        for block in 0..<state.blockCount {
            scratch.withUnsafeMutableBufferPointer { state.dequantizeBlock(block, into: $0) }
            let old = Array(a[state.blockRange(block)])
            let decoded = scratch
            // The decoded unsigned state of signed data clamps negatives to code 0's value, zero.
            for (x, y) in zip(old, decoded) { #expect(x < 0 ? y == 0 : abs(x - y) <= 0.1 * abs(x) + 1e-6) }
            let next = Array(b[state.blockRange(block)])
            next.withUnsafeBufferPointer { state.requantizeBlock(block, from: $0) }
        }
        #expect(state == (try BlockwiseQuantized8(quantizing: b, signed: false, blocksize: 100)))
    }

    @Test func callerOwnedBuffersMatchTheArrayForm() throws {
        var rng = SeededGenerator(seed: 9)
        let values = (0..<1234).map { _ in rng.nextUniform() * 3 }
        let reference = try BlockwiseQuantized8(quantizing: values, signed: false, blocksize: 256)
        var codes = [UInt8](repeating: 0, count: values.count)
        var absmax = [Float](repeating: -1, count: 5)
        var back = [Float](repeating: .nan, count: values.count)
        let codec = EightBitCodec.unsigned
        values.withUnsafeBufferPointer { v in
            codes.withUnsafeMutableBufferPointer { c in
                absmax.withUnsafeMutableBufferPointer { a in codec.quantizeBlocks(v, blocksize: 256, codes: c, absmax: a) }
            }
        }
        #expect(codes == reference.codes)
        #expect(absmax == reference.absmax)
        codes.withUnsafeBufferPointer { c in
            absmax.withUnsafeBufferPointer { a in
                back.withUnsafeMutableBufferPointer { codec.dequantizeBlocks(c, absmax: a, blocksize: 256, into: $0) }
            }
        }
        #expect(back == reference.dequantized())
        let fresh = try BlockwiseQuantized8(zeroCount: 300, signed: false)
        #expect(fresh.dequantized() == [Float](repeating: 0, count: 300))
        #expect(throws: QuantizationError.inconsistentState("element count -1 is negative")) {
            try BlockwiseQuantized8(zeroCount: -1)
        }
    }

    @Test func partialLastBlockAndZeroBlock() throws {
        var values = [Float](repeating: 0, count: 300)
        for i in 256..<300 { values[i] = Float(i - 276) / 10 }   // −2.0 … 2.3
        let q = try BlockwiseQuantized8(quantizing: values, blocksize: 256)
        #expect(q.absmax == [0, 2.3])
        #expect(q.codes[0..<256].allSatisfy { $0 == EightBitCodec.signed.zeroCode })
        #expect(DynamicMap.signed[Int(EightBitCodec.signed.zeroCode)] == 0)
        let back = q.dequantized()
        #expect(back[0..<256].allSatisfy { $0 == 0 })
        #expect(back[299] == 2.3)   // the block maximum is code 255, exactly 1.0 · absmax
        #expect(back[276] == 0)
        // Elsewhere within half the widest gap of the map (0.0140625 between its two top values).
        for (x, y) in zip(values, back) { #expect(abs(x - y) <= 0.00703125 * 2.3 * 1.0001) }
    }

    @Test func nearestCodeByMidpoints() {
        let codec = EightBitCodec.signed
        let map = DynamicMap.signed
        for code in 0..<255 {
            let midpoint = (map[code] + map[code + 1]) / 2
            #expect(codec.code(for: midpoint) == UInt8(code))
            #expect(codec.code(for: midpoint.nextUp) == UInt8(code + 1))
        }
        #expect(codec.code(for: -1) == 0)   // −1 rounds to the map's minimum, ≈ −0.99297
        #expect(codec.code(for: 1) == 255)
    }

    /// As for 4 bits: `x · (1/absmax)` in float32 decides the code where it and `x / absmax` disagree.
    @Test func scalingUsesTheFloat32Reciprocal() throws {
        let codec = EightBitCodec.signed
        let map = DynamicMap.signed
        var found = 0
        var rng = SeededGenerator(seed: 12)
        search: for _ in 0..<50_000 {
            let absmax = 1 + rng.nextUniform() * 3
            let k = 128 + Int(rng.next() % 126)
            var x = (map[k] + map[k + 1]) / 2 * absmax
            for _ in 0..<4 {
                let byReciprocal = codec.code(for: x * (1 / absmax))
                if byReciprocal != codec.code(for: x / absmax) {
                    let q = try BlockwiseQuantized8(quantizing: [x, -absmax], blocksize: 2)
                    #expect(q.codes[0] == byReciprocal, "x \(x), absmax \(absmax)")
                    found += 1
                    if found == 20 { break search }
                }
                x = x.nextUp
            }
        }
        #expect(found == 20, "too few values where the two scalings disagree to test the rule")
    }

    @Test func rejectsBadInput() {
        #expect(throws: QuantizationError.nonPositiveBlocksize(0)) {
            try BlockwiseQuantized8(quantizing: [1, 2], blocksize: 0)
        }
        #expect(throws: QuantizationError.nonFiniteValue(index: 1, value: .infinity)) {
            try BlockwiseQuantized8(quantizing: [1, .infinity], blocksize: 2)
        }
        #expect(throws: QuantizationError.self) {
            try BlockwiseQuantized8(codes: [1, 2, 3], absmax: [1], signed: true, blocksize: 2)
        }
    }

    @Test func storageBits() throws {
        let q = try BlockwiseQuantized8(quantizing: [Float](repeating: 1, count: 5000), blocksize: 256)
        #expect(q.storageBits == 5000 * 8 + 20 * 32)
    }
}
