import Testing
@testable import Quantization

@Suite struct CodebookTests {
    @Test func nf4MatchesReference() throws {
        let reference = try ReferenceFixtures.file("codes").floats("nf4_code")
        #expect(FourBitCodebook.nf4.values == reference)
        #expect(FourBitCodebook.nf4.values[7] == 0 && FourBitCodebook.nf4.zeroCode == 7)
    }

    @Test func fp4MatchesReference() throws {
        let reference = try ReferenceFixtures.file("codes").floats("fp4_code")
        #expect(FourBitCodebook.fp4.values == reference)
        #expect(FourBitCodebook.fp4.zeroCode == 0)
    }

    @Test func signedDynamicMapMatchesReferenceBitForBit() throws {
        let reference = try ReferenceFixtures.file("codes").floats("dynamic8_signed_code")
        #expect(DynamicMap.signed.map(\.bitPattern) == reference.map(\.bitPattern))
    }

    @Test func unsignedDynamicMapHasTheDocumentedShape() {
        let map = DynamicMap.unsigned
        #expect(map.count == 256)
        #expect(zip(map, map.dropFirst()).allSatisfy { $0 < $1 })
        #expect(map.first == 0 && map.last == 1)
        // Smallest step: 1e-6 times the first midpoint of linspace(0.1, 1, 3), i.e. 0.325e-6.
        #expect(abs(map[1] - 3.25e-7) < 1e-12)
        // 2 + 4 + … + 128 values per decade, decades 1e-6 … 1e0.
        #expect(map.filter { $0 >= 0.1 && $0 < 1 }.count == 128)
        // The unsigned map refines each decade twice as finely as the signed map's positive half.
        let signedPositive = DynamicMap.signed.filter { $0 >= 0.1 && $0 < 1 }
        #expect(signedPositive.count == 64)
    }

    @Test func signedDynamicMapIsAsymmetric() {
        let map = DynamicMap.signed
        #expect(map.filter { $0 < 0 }.count == 127)
        #expect(map.filter { $0 > 0 }.count == 128)
        #expect(map[0] == -map[254])
        #expect(map[255] == 1)
    }

    @Test func int4IsSymmetricSevenths() {
        let cb = FourBitCodebook.int4
        for k in -7...7 { #expect(cb.values[k + 7] == Float(k) / 7) }
        #expect(cb.code(for: 1) == 14 && cb.code(for: -1) == 0 && cb.code(for: 0) == 7)
        // Round to nearest: 0.5/7 lies on the midpoint between 0 and 1/7, and a tie takes the lower code.
        let midpoint = (cb.values[7] + cb.values[8]) / 2
        #expect(cb.code(for: midpoint) == 7)
        #expect(cb.code(for: midpoint.nextUp) == 8)
        #expect(cb.code(for: 0.6) == UInt8(7 + 4))
    }

    @Test func nf4TiesTakeTheLowerCode() {
        let cb = FourBitCodebook.nf4
        for code in 0..<15 {
            let midpoint = (cb.values[code] + cb.values[code + 1]) / 2
            #expect(cb.code(for: midpoint) == UInt8(code))
            #expect(cb.code(for: midpoint.nextUp) == UInt8(code + 1))
            #expect(cb.code(for: cb.values[code]) == UInt8(code))
        }
        #expect(cb.code(for: 1.0000001) == 15)
        #expect(cb.code(for: -1.0000001) == 0)
    }

    @Test func fp4UsesTheSignBit() {
        let cb = FourBitCodebook.fp4
        #expect(cb.code(for: -1e-6) == 8)   // a small negative value is "−0"
        #expect(cb.code(for: 1e-6) == 0)
        #expect(cb.code(for: 1) == 3 && cb.code(for: -1) == 11)
        #expect(cb.code(for: 0.26) == 7 && cb.code(for: -0.26) == 15)
        for code in 0..<16 { #expect(cb.code(for: cb.values[code]) == (code == 8 ? 0 : UInt8(code))) }
    }

    @Test func eightBitCodecRejectsBadMaps() {
        #expect(throws: QuantizationError.self) { try EightBitCodec(map: [0, 1]) }
        #expect(throws: QuantizationError.self) { try EightBitCodec(map: DynamicMap.signed.reversed()) }
        #expect(throws: Never.self) { try EightBitCodec(map: DynamicMap.unsigned) }
    }
}
