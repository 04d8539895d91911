import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import Tensors
@testable import GGUF
@testable import Models

/// Truncated, corrupted and lying files: each must be a thrown `GGUFError`, never a crash or a huge allocation.
@Suite("GGUF: damaged and lying files")
struct GGUFFuzzTests {
    enum Outcome { case opened, rejected }

    /// One file rewritten in place: writing a new file per case costs milliseconds on a virtual disk, while
    /// shrinking with truncate(2) and patching with pwrite(2) cost microseconds.
    final class ScratchFile {
        let directory: URL
        let path: String

        init(_ bytes: [UInt8]) throws {
            directory = try GGUFTestPaths.temporaryDirectory()
            path = directory.appendingPathComponent("damaged.gguf").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        func truncate(to length: Int) {
            #expect(Glibc.truncate(path, off_t(length)) == 0)
        }

        func patch(_ bytes: [UInt8], at offset: Int) {
            let fd = open(path, O_WRONLY)
            defer { close(fd) }
            let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress!, $0.count, off_t(offset)) }
            #expect(written == bytes.count)
        }

        /// Opens the file and, when it opens, reads every tensor and the checkpoint view, as a user would.
        func attempt() throws -> Outcome {
            do {
                let file = try GGUFFile(path: path)
                for t in file.tensors where t.type.canDequantize { _ = try file.floats(t.name) }
                let checkpoint = try GGUFLlamaCheckpoint(file: file)
                try checkpoint.forEachTensor { _, _ in }
                return .opened
            } catch let error as GGUFError {
                #expect(error.path == path)
                return .rejected
            }
        }
    }

    @Test func truncatedAtEveryHeaderLengthAndManyDataLengths() throws {
        let bytes = try GGUFSyntheticModel.quantized().serialized()
        let scratch = try ScratchFile(bytes)
        #expect(try scratch.attempt() == .opened)
        let file = try GGUFFile(path: scratch.path)
        let dataEnd = file.dataOffset + file.tensors.map { $0.offset + $0.byteCount }.max()!
        // Every cut inside the header and tensor table, then every 7th byte through the data; longest first,
        // since the file can only shrink in place.
        let lengths = Array(0..<file.dataOffset) + Array(stride(from: file.dataOffset, to: bytes.count, by: 7))
        var rejected = 0
        for length in lengths.reversed() {
            scratch.truncate(to: length)
            let outcome = try scratch.attempt()
            if length < dataEnd {
                #expect(outcome == .rejected, "a file cut to \(length) of \(bytes.count) bytes opened")
            }
            if outcome == .rejected { rejected += 1 }
        }
        #expect(rejected >= lengths.filter { $0 < dataEnd }.count)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func corruptedBytesAtSeededPositions(seed: UInt64) throws {
        let bytes = try GGUFSyntheticModel.quantized(seed: seed).serialized()
        let scratch = try ScratchFile(bytes)
        let headerEnd = try GGUFFile(path: scratch.path).dataOffset
        var rng = SeededGenerator(seed: 1000 + seed)
        var outcomes: [Outcome] = []
        for round in 0..<1000 {
            var damaged = bytes
            var touched: [Int] = []
            // Mostly the header (where structure lives), sometimes the data; 1–4 bytes, sometimes 0xFF runs that
            // make counts and lengths enormous.
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let position = round % 4 == 3 ? Int.random(in: 0..<bytes.count, using: &rng) : Int.random(in: 0..<headerEnd, using: &rng)
                if round % 5 == 0 {
                    for i in position..<min(position + 8, bytes.count) { damaged[i] = 0xFF; touched.append(i) }
                } else {
                    damaged[position] ^= UInt8.random(in: 1...255, using: &rng)
                    touched.append(position)
                }
            }
            for i in touched { scratch.patch([damaged[i]], at: i) }
            outcomes.append(try scratch.attempt())
            for i in touched { scratch.patch([bytes[i]], at: i) }
        }
        // Damage to names, counts and offsets must be caught; damage to data bytes or to a value may go unnoticed.
        let rejected = outcomes.filter { $0 == .rejected }.count
        #expect(rejected > 300, "only \(rejected) of \(outcomes.count) damaged files were rejected")
        #expect(try scratch.attempt() == .opened)   // restored
    }

    /// A minimal header: magic, version, tensor count, key count, then `rest`.
    static func header(version: UInt32 = 3, tensors: UInt64 = 0, keys: UInt64 = 0, _ rest: [UInt8] = []) -> [UInt8] {
        le(UInt32(0x4655_4747)) + le(version) + le(tensors) + le(keys) + rest
    }
    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    static func string(_ s: String) -> [UInt8] { le(UInt64(s.utf8.count)) + Array(s.utf8) }

    static func message(_ bytes: [UInt8]) throws -> GGUFError? {
        let scratch = try ScratchFile(bytes)
        do {
            _ = try GGUFFile(path: scratch.path)
            return nil
        } catch let error as GGUFError {
            return error
        }
    }

    @Test func lyingHeadersAreRejectedWithTheirKeyOrTensor() throws {
        let key = Self.string("k")
        let tensor = Self.string("w")
        let cases: [(String, [UInt8], String?, String?, String)] = [
            ("empty file", [], nil, nil, "needs 4 bytes"),
            ("bad magic", Array("GGML".utf8) + [UInt8](repeating: 0, count: 20), nil, nil, "not the GGUF magic"),
            ("version 1", Self.header(version: 1), nil, nil, "version 1"),
            ("big-endian", Self.header(version: UInt32(3).byteSwapped), nil, nil, "big-endian"),
            ("2^63 keys", Self.header(keys: 1 << 63), nil, nil, "metadata key count"),
            ("2^40 tensors", Self.header(tensors: 1 << 40), nil, nil, "tensors"),
            ("key longer than the file", Self.header(keys: 1, Self.le(UInt64(1) << 62) + [0, 0, 0, 0, 0]), nil, nil, "claims"),
            ("unknown value type", Self.header(keys: 1, key + Self.le(UInt32(13)) + [0]), "k", nil, "unknown value type 13"),
            ("string value longer than the file", Self.header(keys: 1, key + Self.le(UInt32(8)) + Self.le(UInt64(1000))), "k", nil, "claims 1000 bytes"),
            ("array of 2^60 uint32", Self.header(keys: 1, key + Self.le(UInt32(9)) + Self.le(UInt32(4)) + Self.le(UInt64(1) << 60)), "k", nil, "array of"),
            ("array of 2^40 strings", Self.header(keys: 1, key + Self.le(UInt32(9)) + Self.le(UInt32(8)) + Self.le(UInt64(1) << 40) + [UInt8](repeating: 0, count: 16)), "k", nil, "array of"),
            ("bool 2", Self.header(keys: 1, key + Self.le(UInt32(7)) + [2]), "k", nil, "not 0 or 1"),
            ("invalid UTF-8", Self.header(keys: 1, key + Self.le(UInt32(8)) + Self.le(UInt64(2)) + [0xC3, 0x28]), "k", nil, "UTF-8"),
            ("duplicate key", Self.header(keys: 2, key + Self.le(UInt32(0)) + [1] + key + Self.le(UInt32(0)) + [2]), "k", nil, "twice"),
            ("alignment 24", Self.header(keys: 1, Self.string("general.alignment") + Self.le(UInt32(4)) + Self.le(UInt32(24))), "general.alignment", nil, "power of two"),
            ("deep nesting", Self.header(keys: 1, key + Self.le(UInt32(9)) + Array((0..<20).map { _ in Self.le(UInt32(9)) + Self.le(UInt64(1)) }.joined()) + [UInt8](repeating: 0, count: 40)), "k", nil, "nested"),
            ("5 dimensions", Self.header(tensors: 1, tensor + Self.le(UInt32(5)) + [UInt8](repeating: 1, count: 60)), nil, "w", "5 dimensions"),
            ("dimensions overflow", Self.header(tensors: 1, tensor + Self.le(UInt32(2)) + Self.le(UInt64(1) << 40) + Self.le(UInt64(1) << 40) + Self.le(UInt32(0)) + Self.le(UInt64(0))), nil, "w", "overflow"),
            ("unknown tensor type", Self.header(tensors: 1, tensor + Self.le(UInt32(1)) + Self.le(UInt64(4)) + Self.le(UInt32(99)) + Self.le(UInt64(0))), nil, "w", "unknown element type 99"),
            ("partial block", Self.header(tensors: 1, tensor + Self.le(UInt32(1)) + Self.le(UInt64(16)) + Self.le(UInt32(8)) + Self.le(UInt64(0))), nil, "w", "block size"),
            ("misaligned offset", Self.header(tensors: 1, tensor + Self.le(UInt32(1)) + Self.le(UInt64(1)) + Self.le(UInt32(0)) + Self.le(UInt64(4))), nil, "w", "alignment"),
            ("data beyond the file", Self.header(tensors: 1, tensor + Self.le(UInt32(1)) + Self.le(UInt64(1000)) + Self.le(UInt32(0)) + Self.le(UInt64(0))), nil, "w", "beyond"),
            ("offset near 2^63", Self.header(tensors: 1, tensor + Self.le(UInt32(1)) + Self.le(UInt64(8)) + Self.le(UInt32(0)) + Self.le(UInt64(Int64.max) - 31)), nil, "w", "beyond"),
        ]
        for (label, bytes, expectedKey, expectedTensor, fragment) in cases {
            guard let error = try Self.message(bytes) else {
                Issue.record("\(label): opened")
                continue
            }
            #expect(error.key == expectedKey, "\(label): \(error)")
            #expect(error.tensor == expectedTensor, "\(label): \(error)")
            #expect(error.message.contains(fragment), "\(label): \(error)")
        }
    }

    @Test func overlappingTensorsAreRejected() throws {
        var writer = try GGUFWriter()
        try writer.add("a", tensor: Tensor(shape: [8], scalars: [Float](repeating: 1, count: 8)))
        try writer.add("b", tensor: Tensor(shape: [8], scalars: [Float](repeating: 2, count: 8)))
        var bytes = writer.serialized()
        // Point b's offset (32, the last field of the tensor table, found scanning back from the data) at a's data.
        let file = try GGUFSyntheticModel.open(writer)
        var offsetPosition: Int?
        for i in stride(from: file.dataOffset - 8, through: 0, by: -1) where Array(bytes[i..<(i + 8)]) == Self.le(UInt64(32)) {
            offsetPosition = i
            break
        }
        let position = try #require(offsetPosition)
        bytes.replaceSubrange(position..<(position + 8), with: Self.le(UInt64(0)))
        let error = try #require(try Self.message(bytes))
        #expect(error.tensor == "b")
        #expect(error.message.contains("overlaps"))
    }

    @Test func checkpointRejectsMissingAndMisshapenTensors() throws {
        // A model whose first layer lacks its query projection.
        var writer = try GGUFWriter()
        try GGUFSyntheticModel.metadata(&writer, layers: 1)
        for (name, dims) in GGUFSyntheticModel.dimensions(untied: false) where !name.hasPrefix("blk.1.") && name != "blk.0.attn_q.weight" {
            try writer.add(name, tensor: Tensor(zeros: dims.reversed()))
        }
        let missing = try GGUFSyntheticModel.open(writer)
        #expect { try GGUFLlamaCheckpoint(file: missing) } throws: { ($0 as? GGUFError)?.tensor == "blk.0.attn_q.weight" }

        // A model whose key projection has the query's shape.
        var bad = try GGUFWriter()
        try GGUFSyntheticModel.metadata(&bad, layers: 1)
        for (name, dims) in GGUFSyntheticModel.dimensions(untied: false) where !name.hasPrefix("blk.1.") {
            let shape = name == "blk.0.attn_k.weight" ? [GGUFSyntheticModel.heads * GGUFSyntheticModel.headDim, GGUFSyntheticModel.hidden] : Array(dims.reversed())
            try bad.add(name, tensor: Tensor(zeros: shape))
        }
        let misshapen = try GGUFSyntheticModel.open(bad)
        #expect { try GGUFLlamaCheckpoint(file: misshapen) } throws: { ($0 as? GGUFError)?.tensor == "blk.0.attn_k.weight" }

        // RoPE scaling the configuration cannot carry.
        var scaled = try GGUFWriter()
        try GGUFSyntheticModel.metadata(&scaled, layers: 1)
        try scaled.set("llama.rope.scaling.type", .string("linear"))
        let linear = try GGUFSyntheticModel.open(scaled)
        #expect { try GGUFLlamaCheckpoint(file: linear) } throws: { ($0 as? GGUFError)?.key == "llama.rope.scaling.type" }

        // Another architecture.
        var qwen = try GGUFWriter()
        try qwen.set("general.architecture", .string("qwen2"))
        for key in ["embedding_length", "block_count", "attention.head_count", "feed_forward_length", "context_length"] {
            try qwen.set("qwen2.\(key)", .uint32(key == "attention.head_count" ? 2 : 8))
        }
        try qwen.set("qwen2.attention.layer_norm_rms_epsilon", .float32(1e-6))
        try qwen.set("tokenizer.ggml.tokens", .array(.string, [.string("a")]))
        let other = try GGUFSyntheticModel.open(qwen)
        #expect(try GGUFModelInfo(file: other).architecture == "qwen2")
        #expect { try GGUFLlamaCheckpoint(file: other) } throws: { ($0 as? GGUFError)?.key == "general.architecture" }

        // A model that claims a billion layers.
        var lying = try GGUFWriter()
        try GGUFSyntheticModel.metadata(&lying, layers: 1_000_000_000)
        let huge = try GGUFSyntheticModel.open(lying)
        #expect { try GGUFLlamaCheckpoint(file: huge) } throws: { ($0 as? GGUFError)?.key == "llama.block_count" }
    }
}
