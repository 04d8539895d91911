import Testing
import Tensors
@testable import Quantization

/// Every 4-bit case of the bitsandbytes reference, NF4 and FP4, with and without double quantization.
@Suite struct FourBitReferenceTests {
    static let types: [QuantizationType] = [.nf4, .fp4]

    /// Blocks whose reference bytes come from bitsandbytes' CUDA kernel dividing an all-zero block by 0:
    /// it stores code 0 there, while we (like its CPU backend) store the code of exact zero.
    static func cudaZeroBlocks(_ input: [Float], blocksize: Int) -> Set<Int> {
        Set(stride(from: 0, to: input.count, by: blocksize).enumerated()
            .filter { _, lo in input[lo..<min(input.count, lo + blocksize)].allSatisfy { $0 == 0 } }
            .map(\.offset))
    }

    @Test(arguments: ReferenceFixtures.fourBitCases, types)
    func plainAbsmax(caseName: String, type: QuantizationType) throws {
        let file = try ReferenceFixtures.file(caseName)
        let input = try file.floats("input")
        let shape = try file.entry("input").shape
        let q = try QuantizedTensor(quantizing: input, shape: shape, type: type, doubleQuant: false)
        let prefix = type.rawValue

        guard case .absmax(let absmax) = q.scales else { Issue.record("expected plain absmax"); return }
        #expect(absmax == (try file.floats("\(prefix)_absmax")))
        let zeroBlocks = Self.cudaZeroBlocks(input, blocksize: 64)
        try expectPacked(q.packed, equal: file.bytes("\(prefix)_packed"), type: type, zeroBlocks: zeroBlocks)

        // Plain absmax: the same float32 product as the reference, so equal to the bit (−0 aside).
        let reference = try file.floats("\(prefix)_dequant")
        let ours = q.dequantized()
        #expect(ours.count == reference.count)
        let mismatches = zip(ours, reference).filter { $0 != $1 }.count
        #expect(mismatches == 0, "\(mismatches) dequantized values differ")
    }

    @Test(arguments: ReferenceFixtures.fourBitCases, types)
    func doubleQuantized(caseName: String, type: QuantizationType) throws {
        let file = try ReferenceFixtures.file(caseName)
        let input = try file.floats("input")
        let shape = try file.entry("input").shape
        let q = try QuantizedTensor(quantizing: input, shape: shape, type: type, doubleQuant: true)
        let prefix = "\(type.rawValue)_dq"

        guard case .doubleQuantized(let dq) = q.scales else { Issue.record("expected double quantization"); return }
        let referenceOffset = try file.floats("\(prefix)_offset")[0]
        #expect(abs(dq.offset - referenceOffset) <= 1e-6 * abs(referenceOffset))
        let referenceAbsmax2 = try file.floats("\(prefix)_absmax2")
        #expect(dq.absmax2.count == referenceAbsmax2.count)
        for (a, b) in zip(dq.absmax2, referenceAbsmax2) { #expect(abs(a - b) <= 1e-6 * abs(b)) }
        #expect(dq.blocksize2 == 256)
        #expect(dq.codes == (try file.bytes("\(prefix)_absmax_codes")))
        #expect(try file.floats("\(prefix)_code2") == DynamicMap.signed)

        let zeroBlocks = Self.cudaZeroBlocks(input, blocksize: 64)
        try expectPacked(q.packed, equal: file.bytes("\(prefix)_packed"), type: type, zeroBlocks: zeroBlocks)

        // The offset is summed in the reference's order, so its scales and therefore every dequantized
        // value outside the all-zero block come out equal to the bit.
        let reference = try file.floats("\(prefix)_dequant")
        let ours = q.dequantized()
        let scales = dq.scales()
        #expect(ours.count == reference.count)
        var differing = 0
        for i in ours.indices {
            let block = i / 64
            if zeroBlocks.contains(block) {
                // Ours is exactly 0; the reference decoded its code 0 as −1 · scale (NF4) or 0 (FP4).
                #expect(ours[i] == 0)
                let expected = type.codebook.values[0] * scales[block]
                #expect(abs(reference[i] - expected) <= 1e-6 * abs(expected))
                continue
            }
            if ours[i] != reference[i] { differing += 1 }
        }
        #expect(differing == 0, "\(differing) dequantized values differ")
    }

    /// Packed bytes equal to the byte, except all-zero blocks: the reference holds code 0 there, we hold
    /// the exact-zero code (the same byte for FP4, whose code 0 is zero).
    func expectPacked(_ ours: [UInt8], equal reference: [UInt8], type: QuantizationType,
                      zeroBlocks: Set<Int>) throws {
        #expect(ours.count == reference.count)
        let zero = type.codebook.zeroCode
        var differing = 0
        for (j, (a, b)) in zip(ours, reference).enumerated() {
            if zeroBlocks.contains(2 * j / 64) {
                #expect(a == zero << 4 | zero)
                #expect(b == 0, "reference stores code 0 in an all-zero block")
            } else if a != b {
                differing += 1
            }
        }
        #expect(differing == 0, "\(differing) packed bytes differ")
    }

    @Test func zeroBlockCaseHasExactlyOneZeroBlock() throws {
        let input = try ReferenceFixtures.file("zero_block_128").floats("input")
        #expect(Self.cudaZeroBlocks(input, blocksize: 64) == [0])
        #expect(Self.cudaZeroBlocks(try ReferenceFixtures.file("normal_4096").floats("input"), blocksize: 64).isEmpty)
    }

    @Test func metadataAgrees() throws {
        for name in ReferenceFixtures.fourBitCases {
            let file = try ReferenceFixtures.file(name)
            let input = try file.floats("input")
            let q = try QuantizedTensor(quantizing: input, shape: [input.count], type: .nf4, doubleQuant: true)
            #expect(q.packed.count == (try file.entry("nf4_packed").count))
            #expect(q.blockCount == (try file.entry("nf4_absmax").count))
        }
    }
}
