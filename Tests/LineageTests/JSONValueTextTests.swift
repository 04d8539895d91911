import Support
import Foundation
import Testing
@testable import Lineage

/// `canonicalText` writes plain values itself: its text must be the encoder's, byte for byte, since stored axis
/// values are compared as text.
struct JSONValueTextTests {
    private func encoderText(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func plainValuesAreWrittenAsTheEncoderWritesThem() throws {
        var generator = SplitMix64(seed: 20261207)
        let alphabet = Array("abcXYZ019 .-_=[],{}:/+*'")
        func word() -> String { String((0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }) }
        func value(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 2 ? 4 : 6), using: &generator) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &generator))
            case 2: return .integer(Int64.random(in: -1_000_000...1_000_000, using: &generator))
            case 3: return .string(word())
            case 4: return .array((0..<Int.random(in: 0...3, using: &generator)).map { _ in value(depth + 1) })
            default: return .object(Dictionary((0..<Int.random(in: 0...4, using: &generator)).map { _ in (word(), value(depth + 1)) },
                                               uniquingKeysWith: { a, _ in a }))
            }
        }
        for _ in 0..<2_000 {
            let v = value(0)
            #expect(v.canonicalText() == (try encoderText(v)), "\(v)")
        }
        // Keys in byte order, upper case before lower.
        #expect(JSONValue.object(["b": .string("x"), "B": .integer(1), "a.c": .null]).canonicalText() == #"{"B":1,"a.c":null,"b":"x"}"#)
    }

    @Test func valuesItDoesNotWriteAreLeftToTheEncoder() throws {
        for v: JSONValue in [.number(0.25), .string("a\"b"), .string("tab\there"), .string("中文"), .object(["k": .number(1e-4)]),
                             .array([.string("back\\slash")])] {
            #expect(v.canonicalText() == (try encoderText(v)), "\(v)")
        }
    }
}

/// A small seeded generator (SplitMix64), so the test's values are the same on every run.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
