import Foundation
import Testing
@testable import Tokenizers

@Suite("Tokenizer: GGUF metadata, good and bad")
struct TokenizerGGUFTests {
    /// A metadata value to write into a hand-made GGUF file.
    enum Value {
        case string(String), uint32(UInt32), strings([String]), int32s([Int32])
    }

    /// A GGUF v3 file with no tensors and the given metadata, written byte by byte.
    static func writeGGUF(_ metadata: [(String, Value)], name: String = "tokenizer.gguf") throws -> String {
        var bytes: [UInt8] = Array("GGUF".utf8)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        func string(_ s: String) { u64(UInt64(s.utf8.count)); bytes += Array(s.utf8) }
        u32(3)
        u64(0)
        u64(UInt64(metadata.count))
        for (key, value) in metadata {
            string(key)
            switch value {
            case .string(let s): u32(8); string(s)
            case .uint32(let v): u32(4); u32(v)
            case .strings(let list): u32(9); u32(8); u64(UInt64(list.count)); list.forEach(string)
            case .int32s(let list): u32(9); u32(5); u64(UInt64(list.count)); list.forEach { u32(UInt32(bitPattern: $0)) }
            }
        }
        while bytes.count % 32 != 0 { bytes.append(0) }
        let url = try TokenizerFixtures.temporaryDirectory().appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// A small valid vocabulary: the special `<|e|>`, the bytes a b c and a space, and merges up to " abc".
    static let valid: [(String, Value)] = [
        ("tokenizer.ggml.model", .string("gpt2")),
        ("tokenizer.ggml.pre", .string("smollm")),
        ("tokenizer.ggml.tokens", .strings(["<|e|>", "a", "b", "c", "Ġ", "ab", "Ġab", "Ġabc", "1"])),
        ("tokenizer.ggml.token_type", .int32s([3, 1, 1, 1, 1, 1, 1, 1, 1])),
        ("tokenizer.ggml.merges", .strings(["a b", "Ġ ab", "Ġab c"])),
        ("tokenizer.ggml.eos_token_id", .uint32(0)),
        ("tokenizer.chat_template", .string("{% for message in messages %}{{ message['content'] }}{% endfor %}")),
    ]

    static func replacing(_ key: String, with value: Value?) -> [(String, Value)] {
        var entries = valid.filter { $0.0 != key }
        if let value { entries.append((key, value)) }
        return entries
    }

    @Test func smallVocabulary() throws {
        let tokenizer = try BPETokenizer(ggufPath: try Self.writeGGUF(Self.valid))
        #expect(tokenizer.encode("ab abc<|e|>11") == [5, 7, 0, 8, 8])
        #expect(tokenizer.decode([5, 7, 0]) == "ab abc<|e|>")
        #expect(tokenizer.eosID == 0 && tokenizer.bosID == nil && tokenizer.padID == nil)
        #expect(try tokenizer.renderChat([ChatMessage(role: "user", content: "x")], addGenerationPrompt: true) == "x")
        // "d" and "z" have no byte token and no unknown id here: they are dropped, as Hugging Face does.
        #expect(tokenizer.encode("adz") == [1])
    }

    @Test func badMetadataNamesFileAndKey() throws {
        let cases: [(String, Value?, String, Bool)] = [
            ("tokenizer.ggml.model", .string("llama"), "tokenizer.ggml.model", true),
            ("tokenizer.ggml.pre", .string("llama-bpe"), "tokenizer.ggml.pre", true),
            ("tokenizer.ggml.pre", nil, "tokenizer.ggml.pre", false),
            ("tokenizer.ggml.model", .uint32(2), "tokenizer.ggml.model", false),
            ("tokenizer.ggml.tokens", nil, "tokenizer.ggml.tokens", false),
            ("tokenizer.ggml.tokens", .int32s([1, 2]), "tokenizer.ggml.tokens", false),
            ("tokenizer.ggml.token_type", .int32s([3, 1]), "tokenizer.ggml.token_type", false),
            ("tokenizer.ggml.merges", nil, "tokenizer.ggml.merges", false),
            ("tokenizer.ggml.merges", .strings(["a b", "ab"]), "tokenizer.ggml.merges[1]", false),
            ("tokenizer.ggml.merges", .strings(["a q"]), "tokenizer.ggml.merges[0]", false),
            ("tokenizer.ggml.eos_token_id", .uint32(99), "tokenizer.ggml.eos_token_id", false),
        ]
        for (key, value, field, unsupported) in cases {
            let path = try Self.writeGGUF(Self.replacing(key, with: value))
            #expect(performing: { try BPETokenizer(ggufPath: path) }, throws: { error in
                switch error as? TokenizerError {
                case .unsupported(let file, let f, _, _): return unsupported && file == path && f == field
                case .malformed(let file, let f, _): return !unsupported && file == path && f == field
                default: return false
                }
            })
        }
    }

    @Test func notAGGUFFile() throws {
        let url = try TokenizerFixtures.temporaryDirectory().appendingPathComponent("model.gguf")
        try Data("not a model at all".utf8).write(to: url)
        #expect { try BPETokenizer(ggufPath: url.path) } throws: { error in
            guard case .unreadable(let file, _) = error as? TokenizerError else { return false }
            return file == url.path
        }
    }
}
