import Foundation
import Testing
import Tensors
@testable import GGUF

/// Tiny LLaMA-shaped GGUF files for tests: 2 layers, hidden 32, 4 query heads of 8, 2 key/value heads, MLP 64.
enum GGUFSyntheticModel {
    static let hidden = 32, heads = 4, kvHeads = 2, headDim = 8, intermediate = 64, layers = 2
    static let tokens = ["<s>", "</s>", "a", "b", "c", "ab", "bc", "abc"]

    static func metadata(_ writer: inout GGUFWriter, layers: Int = layers) throws {
        try writer.set("general.architecture", .string("llama"))
        try writer.set("general.name", .string("synthetic"))
        try writer.set("llama.embedding_length", .uint32(UInt32(hidden)))
        try writer.set("llama.block_count", .uint32(UInt32(layers)))
        try writer.set("llama.attention.head_count", .uint32(UInt32(heads)))
        try writer.set("llama.attention.head_count_kv", .uint32(UInt32(kvHeads)))
        try writer.set("llama.feed_forward_length", .uint32(UInt32(intermediate)))
        try writer.set("llama.context_length", .uint32(256))
        try writer.set("llama.rope.freq_base", .float32(10_000))
        try writer.set("llama.rope.dimension_count", .uint32(UInt32(headDim)))
        try writer.set("llama.attention.layer_norm_rms_epsilon", .float32(1e-6))
        try writer.set("tokenizer.ggml.model", .string("gpt2"))
        try writer.set("tokenizer.ggml.tokens", .array(.string, tokens.map { .string($0) }))
        try writer.set("tokenizer.ggml.token_type", .array(.int32, tokens.map { _ in .int32(1) }))
        try writer.set("tokenizer.ggml.bos_token_id", .uint32(0))
        try writer.set("tokenizer.ggml.eos_token_id", .uint32(1))
    }

    /// GGML dimensions (innermost first) of each GGUF tensor of the model.
    static func dimensions(untied: Bool) -> [(String, [Int])] {
        var list: [(String, [Int])] = [("token_embd.weight", [hidden, tokens.count])]
        for l in 0..<layers {
            list += [
                ("blk.\(l).attn_norm.weight", [hidden]),
                ("blk.\(l).attn_q.weight", [hidden, heads * headDim]),
                ("blk.\(l).attn_k.weight", [hidden, kvHeads * headDim]),
                ("blk.\(l).attn_v.weight", [hidden, kvHeads * headDim]),
                ("blk.\(l).attn_output.weight", [heads * headDim, hidden]),
                ("blk.\(l).ffn_norm.weight", [hidden]),
                ("blk.\(l).ffn_gate.weight", [hidden, intermediate]),
                ("blk.\(l).ffn_up.weight", [hidden, intermediate]),
                ("blk.\(l).ffn_down.weight", [intermediate, hidden]),
            ]
        }
        list.append(("output_norm.weight", [hidden]))
        if untied { list.append(("output.weight", [hidden, tokens.count])) }
        return list
    }

    /// Random but well-formed quantized bytes: f16 scales in a sane range, any codes.
    static func quantizedBytes(_ type: GGUFTensorType, elements: Int, _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<(elements / type.blockSize) {
            let scale = HalfPrecision.half(from: Float(rng.nextUniform() * 0.1 + 0.001))
            bytes += [UInt8(scale & 0xFF), UInt8(scale >> 8)]
            if type == .q4_1 {
                let m = HalfPrecision.half(from: -Float(rng.nextUniform()) * 0.5)
                bytes += [UInt8(m & 0xFF), UInt8(m >> 8)]
            }
            let codes = type.blockBytes - (type == .q4_1 ? 4 : 2)
            bytes += (0..<codes).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
        return bytes
    }

    /// The model stored as SmolLM2 is: Q8_0 embedding, Q4_1 linear layers, F32 norms.
    static func quantized(seed: UInt64 = 7, untied: Bool = false) throws -> GGUFWriter {
        var writer = try GGUFWriter()
        try metadata(&writer)
        var rng = SeededGenerator(seed: seed)
        for (name, dims) in dimensions(untied: untied) {
            let elements = dims.reduce(1, *)
            if dims.count == 1 {
                try writer.add(name, tensor: Tensor(shape: [elements], scalars: (0..<elements).map { _ in rng.nextUniform() }))
            } else {
                let type: GGUFTensorType = name.hasPrefix("token_embd") ? .q8_0 : .q4_1
                try writer.add(name, dimensions: dims, type: type, bytes: quantizedBytes(type, elements: elements, &rng))
            }
        }
        return writer
    }

    /// Writes `writer` to a temporary file (through the writer's own atomic write), opens it, and removes the
    /// file again: the mapping keeps the data readable.
    static func open(_ writer: GGUFWriter) throws -> GGUFFile {
        let directory = try GGUFTestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.gguf").path
        try writer.write(to: path)
        return try GGUFFile(path: path)
    }
}

@Suite("GGUF: writer and reader round trip")
struct GGUFWriterTests {
    static let everyType: [(String, GGUFValue)] = [
        ("t.u8", .uint8(200)), ("t.i8", .int8(-100)), ("t.u16", .uint16(60_000)), ("t.i16", .int16(-30_000)),
        ("t.u32", .uint32(4_000_000_000)), ("t.i32", .int32(-2_000_000_000)),
        ("t.u64", .uint64(UInt64.max)), ("t.i64", .int64(Int64.min)),
        ("t.f32", .float32(-1.5e-7)), ("t.f64", .float64(.pi)), ("t.true", .bool(true)), ("t.false", .bool(false)),
        ("t.string", .string("héllo, 世界 🦙")), ("t.empty", .string("")),
        ("t.strings", .array(.string, ["a", "", "Ġthe", "<|im_end|>"].map { .string($0) })),
        ("t.ints", .array(.int32, [1, -2, 3].map { .int32($0) })),
        ("t.floats", .array(.float32, [0.5, -0.25].map { .float32($0) })),
        ("t.bools", .array(.bool, [.bool(true), .bool(false)])),
        ("t.none", .array(.uint64, [])),
        ("t.nested", .array(.array, [.array(.uint8, [.uint8(1), .uint8(2)]), .array(.uint8, [])])),
    ]

    @Test(arguments: [32, 64])
    func roundTrip(alignment: Int) throws {
        var writer = try GGUFWriter(alignment: alignment)
        for (key, value) in Self.everyType { try writer.set(key, value) }
        let matrix = Tensor(shape: [3, 5], scalars: (0..<15).map { Float($0) - 7.25 })
        try writer.add("matrix", tensor: matrix)
        try writer.add("half", dimensions: [4], type: .f16, bytes: [0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38, 0x00, 0x00])
        var q8 = [UInt8(0x00), 0x38] + (0..<32).map { UInt8($0) }   // d = ½, q = 0…31
        q8 += q8
        try writer.add("q8", dimensions: [32, 2], type: .q8_0, bytes: q8)
        try writer.add("scalar", dimensions: [], type: .f32, bytes: [0, 0, 0x80, 0x3F])
        let file = try GGUFSyntheticModel.open(writer)
        #expect(file.version == 3)
        #expect(file.alignment == alignment)
        #expect(file.dataOffset % alignment == 0)
        let expectedKeys = (alignment == 32 ? [] : ["general.alignment"]) + Self.everyType.map(\.0)
        #expect(file.metadataKeys == expectedKeys)
        for (key, value) in Self.everyType { #expect(file.metadata[key] == value, "\(key)") }
        #expect(file.metadata["t.u64"]?.int == nil)               // beyond Int.max
        #expect(file.metadata["t.i64"]?.int == Int(Int64.min))
        #expect(file.metadata["t.strings"]?.strings == ["a", "", "Ġthe", "<|im_end|>"])
        #expect(file.metadata["t.floats"]?.floats == [0.5, -0.25])
        #expect(file.metadata["t.ints"]?.ints == [1, -2, 3])
        #expect(file.tensors.map(\.name) == ["matrix", "half", "q8", "scalar"])
        #expect(file.tensors.allSatisfy { $0.offset % alignment == 0 })
        #expect(try file.tensorInfo("matrix").dimensions == [5, 3])
        #expect(try file.tensor("matrix") == matrix)
        #expect(try file.floats("half") == [1, -2, 0.5, 0])
        #expect(try file.floats("q8") == (0..<64).map { Float($0 % 32) / 2 })
        #expect(try file.tensor("scalar") == Tensor(shape: [], scalars: [1]))
    }

    @Test func writerRefusesInconsistentInput() throws {
        var writer = try GGUFWriter()
        #expect(throws: GGUFError.self) { try writer.add("x", dimensions: [31], type: .q8_0, bytes: [UInt8](repeating: 0, count: 34)) }
        #expect(throws: GGUFError.self) { try writer.add("x", dimensions: [32], type: .q8_0, bytes: [UInt8](repeating: 0, count: 33)) }
        #expect(throws: GGUFError.self) { try writer.set("a", .array(.int32, [.uint8(1)])) }
        #expect(throws: GGUFError.self) { try GGUFWriter(alignment: 24) }
        try writer.set("k", .bool(true))
        #expect(throws: GGUFError.self) { try writer.set("k", .bool(false)) }
    }

    @Test func unsupportedTypeNamesTensorAndType() throws {
        var writer = try GGUFWriter()
        try writer.add("blk.0.weird", dimensions: [256], type: .iq2_xxs, bytes: [UInt8](repeating: 0, count: 66))
        let file = try GGUFSyntheticModel.open(writer)
        do {
            _ = try file.floats("blk.0.weird")
            Issue.record("IQ2_XXS dequantized")
        } catch let error as GGUFError {
            #expect(error.tensor == "blk.0.weird")
            #expect(error.description.contains("IQ2_XXS"))
            #expect(error.description.contains(file.path))
        }
    }
}
