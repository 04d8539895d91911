import Foundation
import Testing
@testable import Tensors

struct SafeTensorsTests {
    @Test func readsTheReferenceModel() throws {
        let file = try SafeTensorsFile(path: FixturePaths.fixture("qlora-reference/tiny-llama/base/model.safetensors"))
        let q = try file.entry("model.layers.0.self_attn.q_proj.weight")
        #expect(q.dtype == .f32 && q.shape == [128, 128])
        let embed = try file.tensor("model.embed_tokens.weight")
        #expect(embed.shape == [259, 128])
        #expect(embed.scalars.contains { $0 != 0 })
        #expect(throws: SafeTensorsError.self) { try file.tensor("no.such.tensor") }
    }

    @Test func roundTripsEveryDType() throws {
        let dir = try FixturePaths.temporaryDirectory()
        let path = dir.appendingPathComponent("t.safetensors").path
        let values: [Float] = [0, 1, -2.5, 3.140625, 1e-3, -65504, 0.3333333]
        let t = Tensor(shape: [7], scalars: values)
        try SafeTensorsWriter.write([
            ("f32", .float32(t)), ("bf16", .bfloat16(t)), ("f16", .float16(t)),
            ("u8", .uint8([0, 7, 255], shape: [3])), ("i64", .int64([-100, 0, 1 << 40], shape: [3])),
            ("empty", .float32([], shape: [0, 4])),
        ], metadata: ["format": "pt"], to: path)
        let file = try SafeTensorsFile(path: path)
        #expect(file.names == ["f32", "bf16", "f16", "u8", "i64", "empty"])
        #expect(file.metadata == ["format": "pt"])
        #expect(try file.floats("f32") == values)
        // bfloat16 keeps 8 mantissa bits, half 11: check against the rounding bound, not our own output.
        for (x, y) in zip(values, try file.floats("bf16")) { #expect(abs(x - y) <= abs(x) / 256) }
        for (x, y) in zip(values, try file.floats("f16")) { #expect(abs(x - y) <= abs(x) / 2048 + 1e-7) }
        #expect(try file.floats("bf16")[2] == -2.5)
        #expect(try file.integers("u8") == [0, 7, 255])
        #expect(try file.integers("i64") == [-100, 0, 1 << 40])
        #expect(try file.entry("empty").shape == [0, 4])
        // The data section starts 8-byte aligned.
        let raw = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = raw.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect((8 + headerLength) % 8 == 0)
    }

    @Test func halfPrecisionConversionsAreExact() {
        #expect(HalfPrecision.float(fromHalf: 0x3C00) == 1)
        #expect(HalfPrecision.float(fromHalf: 0xC000) == -2)
        #expect(HalfPrecision.float(fromHalf: 0x0001) == Float(5.960464477539063e-08))  // smallest subnormal
        #expect(HalfPrecision.float(fromHalf: 0x7C00) == .infinity)
        #expect(HalfPrecision.float(fromBFloat16: 0x3F80) == 1)
        #expect(HalfPrecision.bfloat16(from: 1.00390625) == 0x3F80)  // tie rounds to even
        #expect(HalfPrecision.bfloat16(from: 1.01171875) == 0x3F82)  // tie rounds to even (up)
    }

    /// Writes a file whose header is `header` followed by `dataBytes` zero bytes.
    static func writeRaw(header: String, dataBytes: Int, to path: String) throws {
        var bytes = [UInt8]()
        let h = Array(header.utf8)
        withUnsafeBytes(of: UInt64(h.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes += h
        bytes += [UInt8](repeating: 0, count: dataBytes)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test(arguments: [
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 4, "beyond"),
        (#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, 8, "needs"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, 12, "overlaps"),
        (#"{"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,2]}}"#, 2, "unsupported dtype"),
        (#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, 8, "non-negative"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, 8, "increasing"),
        (#"{"a":{"dtype":"F32","shape":[2]}}"#, 8, "data_offsets"),
        (#"[1,2]"#, 0, "not a JSON object"),
        (#"{"a":"#, 0, "not valid JSON"),
    ])
    func rejectsLyingHeaders(header: String, dataBytes: Int, expected: String) throws {
        let path = try FixturePaths.temporaryDirectory().appendingPathComponent("bad.safetensors").path
        try Self.writeRaw(header: header, dataBytes: dataBytes, to: path)
        do {
            _ = try SafeTensorsFile(path: path)
            Issue.record("accepted a bad header: \(header)")
        } catch let error as SafeTensorsError {
            #expect(error.description.contains(path))
            #expect(error.description.contains(expected), "\(error)")
        }
    }

    @Test func truncatedAndCorruptedFilesThrowInsteadOfCrashing() throws {
        let source = FixturePaths.fixture("qlora-reference/tiny-llama/r8_a16_lr1e-3_all_dq/adapter_init/adapter_model.safetensors")
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        let dir = try FixturePaths.temporaryDirectory()
        let path = dir.appendingPathComponent("t.safetensors").path
        let headerEnd = 8 + Int(original.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        var rng = SeededGenerator(seed: 1)
        var rejected = 0
        // Truncations inside the header and the data: every one must be an error.
        for _ in 0..<60 {
            let cut = Int(rng.next() % UInt64(original.count - 1))
            try Data(original.prefix(cut)).write(to: URL(fileURLWithPath: path))
            #expect(throws: (any Error).self) { try SafeTensorsFile(path: path) }
            rejected += 1
        }
        // Corrupted header bytes: either rejected with a SafeTensorsError, or (a harmless byte) still consistent.
        for _ in 0..<300 {
            var bytes = original
            let position = Int(rng.next() % UInt64(headerEnd))
            bytes[position] = UInt8(truncatingIfNeeded: rng.next())
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                let file = try SafeTensorsFile(path: path)
                for name in file.names { _ = try file.bytes(name) }
            } catch is SafeTensorsError {
                rejected += 1
            } catch is FileError {
                rejected += 1
            }
        }
        #expect(rejected > 60)
    }

    @Test func writesAtomically() throws {
        let dir = try FixturePaths.temporaryDirectory()
        let path = dir.appendingPathComponent("a.safetensors").path
        try SafeTensorsWriter.write([("x", .float32([1, 2], shape: [2]))], to: path)
        try SafeTensorsWriter.write([("x", .float32([3, 4], shape: [2]))], to: path)
        #expect(try SafeTensorsFile(path: path).floats("x") == [3, 4])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
        #expect(throws: SafeTensorsError.self) {
            try SafeTensorsWriter.write([("x", .float32([1], shape: [1])), ("x", .float32([1], shape: [1]))], to: path)
        }
    }
}
