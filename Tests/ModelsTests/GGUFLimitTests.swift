import Testing
@testable import GGUF

/// GGUF metadata that the file can hold but that would cost far more memory than the file takes: refused with
/// the key and the limit before the values are built.
@Suite("GGUF: metadata that would exhaust memory")
struct GGUFLimitTests {
    typealias F = GGUFFuzzTests

    /// One uint8 array value of `count` zero elements under `key`.
    static func uint8Array(_ key: String, count: Int) -> [UInt8] {
        F.string(key) + F.le(UInt32(9)) + F.le(UInt32(0)) + F.le(UInt64(count)) + [UInt8](repeating: 0, count: count)
    }

    /// 5 MB of uint8 array took 120 MB as values; 100 MB took 2.5 GB before the file's next error.
    @Test func anArrayPastTheElementLimitIsRefusedWithItsKey() throws {
        let error = try #require(try F.message(F.header(keys: 1, Self.uint8Array("k", count: 5_000_000))))
        #expect(error.key == "k")
        #expect(error.message == "array of 5000000 uint8 values would bring the metadata's array elements to 5000000, more than the limit of 4194304 (real tokenizers need under 1,000,000)")
    }

    @Test func theLimitCountsEveryArrayOfTheFileTogether() throws {
        let bytes = F.header(keys: 2, Self.uint8Array("first", count: 3_000_000) + Self.uint8Array("second", count: 3_000_000))
        let error = try #require(try F.message(bytes))
        #expect(error.key == "second")
        #expect(error.message.contains("to 6000000, more than the limit of 4194304"))
    }

    /// A vocabulary as large as real ones (Gemma 3's 262,144 tokens) still opens.
    @Test func realisticVocabulariesOpen() throws {
        var writer = try GGUFWriter()
        try writer.set("tokenizer.ggml.tokens", .array(.string, (0..<262_144).map { .string("t\($0)") }))
        try writer.set("tokenizer.ggml.scores", .array(.float32, [GGUFValue](repeating: .float32(0), count: 262_144)))
        try writer.set("tokenizer.ggml.token_type", .array(.int32, [GGUFValue](repeating: .int32(1), count: 262_144)))
        #expect(try F.message(writer.serialized()) == nil)
    }
}
