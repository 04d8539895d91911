import Testing
import Tensors
@testable import GGUF

/// Hand-built blocks with values worked out by hand from the block layouts.
@Suite("GGUF: dequantization of hand-built blocks")
struct GGUFDequantizerTests {
    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    static func run(_ bytes: [UInt8], _ type: GGUFTensorType, _ count: Int) throws -> [Float] {
        try bytes.withUnsafeBytes { try GGUFDequantizer.floats($0, type: type, count: count) }
    }

    /// Byte j holds element j in its low nibble (value j) and element 16 + j in its high nibble (value 15 − j).
    static let ramp: [UInt8] = (0..<16).map { UInt8($0) | UInt8(15 - $0) << 4 }

    @Test func f16() throws {
        let bits: [UInt16] = [0x3C00, 0xC000, 0x3555, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0x3800]
        let values = try Self.run(bits.flatMap(Self.le16), .f16, bits.count)
        #expect(values[0] == 1)
        #expect(values[1] == -2)
        #expect(values[2] == 0.333251953125)          // 0x3555 = (1 + 341/1024) / 4
        #expect(values[3] == 65504)                   // largest finite half
        #expect(values[4] == 5.9604644775390625e-08)  // smallest subnormal, 2^-24
        #expect(values[5] == 0 && values[5].sign == .minus)
        #expect(values[6] == .infinity)
        #expect(values[7] == 0.5)
    }

    @Test func bf16AndF32() throws {
        #expect(try Self.run(Self.le16(0x3F80) + Self.le16(0xC040), .bf16, 2) == [1, -3])
        #expect(try Self.run(Self.le32(Float(1.5).bitPattern) + Self.le32(Float(-0.25).bitPattern), .f32, 2) == [1.5, -0.25])
    }

    @Test func q8_0TwoBlocks() throws {
        // Block 0: d = 0.5, q = -128, -1, 0, 1, 127, then 27 × 2. Block 1: d = −1, q = 0…31.
        let q0: [Int8] = [-128, -1, 0, 1, 127] + [Int8](repeating: 2, count: 27)
        var bytes = Self.le16(0x3800) + q0.map { UInt8(bitPattern: $0) }
        bytes += Self.le16(0xBC00) + (0..<32).map { UInt8($0) }
        let values = try Self.run(bytes, .q8_0, 64)
        #expect(Array(values[0..<5]) == [-64, -0.5, 0, 0.5, 63.5])
        #expect(values[5..<32].allSatisfy { $0 == 1 })
        #expect(Array(values[32..<64]) == (0..<32).map { -Float($0) })
    }

    @Test func q4_0() throws {
        let values = try Self.run(Self.le16(0x4000) + Self.ramp, .q4_0, 32)   // d = 2, v = 2(q − 8)
        let low: [Float] = [-16, -14, -12, -10, -8, -6, -4, -2, 0, 2, 4, 6, 8, 10, 12, 14]
        let high: [Float] = [14, 12, 10, 8, 6, 4, 2, 0, -2, -4, -6, -8, -10, -12, -14, -16]
        #expect(values == low + high)
    }

    @Test func q4_1() throws {
        let values = try Self.run(Self.le16(0x3400) + Self.le16(0xBC00) + Self.ramp, .q4_1, 32)  // d = 0.25, m = −1
        let low: [Float] = [-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75]
        #expect(values == low + low.reversed())
    }

    @Test func q5_0AndQ5_1() throws {
        // Every byte 0x21 (low nibble 1, high nibble 2); fifth bits set for elements 0 and 16 only.
        let qs = [UInt8](repeating: 0x21, count: 16)
        let q5_0 = try Self.run(Self.le16(0x3C00) + Self.le32(0x0001_0001) + qs, .q5_0, 32)      // d = 1, v = q − 16
        #expect(q5_0 == [1] + [Float](repeating: -15, count: 15) + [2] + [Float](repeating: -14, count: 15))
        let q5_1 = try Self.run(Self.le16(0x3800) + Self.le16(0x3C00) + Self.le32(0x0001_0001) + qs, .q5_1, 32)  // d = ½, m = 1
        #expect(q5_1 == [9.5] + [Float](repeating: 1.5, count: 15) + [10] + [Float](repeating: 2, count: 15))
    }

    @Test func q4_K() throws {
        // d = dmin = 1. Scales/mins of the 8 sub-blocks, including the two high bits that sub-blocks 4–7 borrow:
        // (sc, m) = (1,0) (2,1) (3,0) (4,1) (17,34) (3,4) (5,0) (0,1).
        let scales: [UInt8] = [0x41, 2, 3, 4, 0x80, 1, 0, 1, 0x21, 0x43, 0x05, 0x10]
        var qs = [UInt8](repeating: 0x21, count: 128)   // low nibble 1 (first 32 of each 64), high nibble 2
        qs[32 + 3] = 0x5A                               // elements 67 (low, 10) and 99 (high, 5)
        let values = try Self.run(Self.le16(0x3C00) + Self.le16(0x3C00) + scales + qs, .q4_K, 256)
        var expected: [Float] = []
        for v: Float in [1, 3, 3, 7, -17, 2, 5, -1] { expected += [Float](repeating: v, count: 32) }  // sc·q − m
        expected[67] = 30   // 3·10 − 0
        expected[99] = 19   // 4·5 − 1
        #expect(values == expected)
    }

    @Test func q6_K() throws {
        // ql all 0x21, qh all 0b11_10_01_00 (high pairs 0,1,2,3), scales ±1…±8, d = ½.
        var ql = [UInt8](repeating: 0x21, count: 128)
        var qh = [UInt8](repeating: 0xE4, count: 64)
        ql[32 + 5] = 0x73   // half 0, l = 5: elements 37 and 101
        qh[32 + 7] = 0x1B   // half 1, l = 7: pairs 3,2,1,0 for elements 135, 167, 199, 231
        let scales: [Int8] = [1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8, -8]
        let values = try Self.run(ql + qh + scales.map { UInt8(bitPattern: $0) } + Self.le16(0x3800), .q6_K, 256)
        var expected: [Float] = []
        for v: Float in [-15.5, 15.5, -15, 15, 3, -3, 36, -36, -77.5, 77.5, -45, 45, 7, -7, 72, -72] {
            expected += [Float](repeating: v, count: 16)
        }
        expected[37] = -13     // ½ · 2 · ((3 | 1<<4) − 32)
        expected[101] = 46     // ½ · 4 · ((7 | 3<<4) − 32)
        expected[135] = 42.5   // ½ · 5 · ((1 | 3<<4) − 32)
        expected[167] = 3      // ½ · 6 · ((1 | 2<<4) − 32)
        expected[199] = -49    // ½ · 7 · ((2 | 1<<4) − 32)
        expected[231] = -120   // ½ · 8 · ((2 | 0<<4) − 32)
        #expect(values == expected)
    }

    @Test func unsupportedAndMismatchedSizes() throws {
        #expect(throws: GGUFDequantizer.Failure.unsupported(.iq2_xxs)) {
            try Self.run([UInt8](repeating: 0, count: 66), .iq2_xxs, 256)
        }
        #expect(throws: GGUFDequantizer.Failure.sizeMismatch(type: .q8_0, elements: 32, expectedBytes: 34, actualBytes: 33)) {
            try Self.run([UInt8](repeating: 0, count: 33), .q8_0, 32)
        }
        #expect(throws: GGUFDequantizer.Failure.sizeMismatch(type: .q4_0, elements: 20, expectedBytes: nil, actualBytes: 18)) {
            try Self.run([UInt8](repeating: 0, count: 18), .q4_0, 20)
        }
    }
}
