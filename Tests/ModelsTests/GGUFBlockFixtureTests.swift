import Support
import Crypto
import Foundation
import Testing
import Tensors
@testable import GGUF

/// Where the Gemma 3 270M GGUF lives once scripts/setup has fetched it; its tests are skipped without it.
enum GemmaTestPaths {
    static let model = TestPaths.packageRoot.appendingPathComponent(".cache/models/gemma3-270m/gemma-3-270m-q4_k_m.gguf").path
    static var available: Bool { FileManager.default.fileExists(atPath: model) }
    static let skipReason: Comment = "Gemma 3 270M is not fetched (scripts/setup fetches it into .cache/models/gemma3-270m): skipped"
    static func fixture(_ name: String) -> String { TestPaths.fixture("gemma3/" + name) }
}

/// Random blocks of every supported block type, against gguf-py's float32 values (Tests/Fixtures/gguf-blocks/make.py).
@Suite("GGUF: block types bit for bit against gguf-py")
struct GGUFBlockFixtureTests {
    static let types: [GGUFTensorType] = [.f32, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_K]

    @Test(arguments: types)
    func blocksMatchReference(type: GGUFTensorType) throws {
        let raw = try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("gguf-blocks/\(type).blocks")))
        let expectedData = try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("gguf-blocks/\(type).f32")))
        let expected: [UInt32] = expectedData.withUnsafeBytes { bytes in
            (0..<(bytes.count / 4)).map { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)) }
        }
        #expect(expected.count >= 32)
        let values = try raw.withUnsafeBytes { try GGUFDequantizer.floats($0, type: type, count: expected.count) }
        let mismatches = zip(values, expected).enumerated().filter { $0.element.0.bitPattern != $0.element.1 }
        #expect(mismatches.isEmpty, "\(type): \(mismatches.count) of \(expected.count) differ, first at \(mismatches.first?.offset ?? -1)")
    }

    @Test func everyKQuantIsConvertible() {
        for type in [GGUFTensorType.q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_K] {
            #expect(type.canDequantize)
            #expect(type.byteCount(elements: 512) == 2 * type.blockBytes)
        }
    }

    /// Every tensor of the real file, hashed as float32 after conversion, against the hashes of gguf-py's values.
    @Test(.enabled(if: GemmaTestPaths.available, GemmaTestPaths.skipReason))
    func everyGemmaTensorMatchesGGUFPy() throws {
        let file = try GGUFFile(path: GemmaTestPaths.model)
        let reference = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: GemmaTestPaths.fixture("tensor-sha256.json"))))
        #expect(reference.object?.count == file.tensors.count)
        var types: Set<GGUFTensorType> = []
        for tensor in file.tensors {
            let entry = try #require(reference[tensor.name], "no reference for \(tensor.name)")
            #expect(entry["type"]?.string == tensor.type.description)
            types.insert(tensor.type)
            let values = try file.floats(tensor.name)
            #expect(values.count == entry["elements"]?.int)
            let digest = values.withUnsafeBytes { Crypto.SHA256.hash(data: $0) }
            let hex = digest.map { String(format: "%02x", $0) }.joined()
            #expect(hex == entry["sha256"]?.string, "\(tensor.name) (\(tensor.type)) differs from gguf-py")
        }
        #expect(types == [.f32, .q8_0, .q5_0, .q4_K, .q6_K])
    }
}
