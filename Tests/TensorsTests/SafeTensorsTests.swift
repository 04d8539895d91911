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

    /// What the format says about `bytes`, worked out independently of the reader: the entries as (dtype, shape,
    /// byte range) when the file is a valid safetensors file, nil when it is not. The header is parsed with
    /// `JSONSerialization`, not the reader's JSON type, and the rules are the format's, written out here:
    /// an 8-byte little-endian header length within the file; a JSON object; `__metadata__` a map of strings;
    /// every other entry an object with a known dtype, a shape of non-negative integers and `data_offsets` a pair
    /// of integers 0 ≤ begin ≤ end ≤ data size whose length is the shape's element count × the dtype's size;
    /// no two non-empty ranges overlap.
    static func formatVerdict(_ bytes: [UInt8]) -> [String: ExpectedEntry]? {
        let sizes = ["F32": 4, "F16": 2, "BF16": 2, "U8": 1, "I8": 1, "I32": 4, "I64": 8]
        guard bytes.count >= 8 else { return nil }
        let length = bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length <= UInt64(bytes.count - 8) else { return nil }
        let headerEnd = 8 + Int(length)
        let dataSize = bytes.count - headerEnd
        guard let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd]), options: [.fragmentsAllowed]),
              let object = header as? [String: Any] else { return nil }
        // A JSON number with an integral value (JSON has one number type; a changed byte cannot spell true or false).
        func integer(_ value: Any) -> Int? {
            guard let number = value as? NSNumber else { return nil }
            let double = number.doubleValue
            guard double.rounded() == double, abs(double) < 9e15 else { return nil }
            return number.intValue
        }
        var entries: [String: ExpectedEntry] = [:]
        for (name, value) in object {
            if name == "__metadata__" {
                guard let map = value as? [String: Any], map.values.allSatisfy({ $0 is String }) else { return nil }
                continue
            }
            guard let fields = value as? [String: Any], let dtype = fields["dtype"] as? String, let size = sizes[dtype],
                  let rawShape = fields["shape"] as? [Any], let offsets = fields["data_offsets"] as? [Any], offsets.count == 2,
                  let begin = integer(offsets[0]), let end = integer(offsets[1]) else { return nil }
            let shape = rawShape.map(integer)
            guard shape.allSatisfy({ ($0 ?? -1) >= 0 }) else { return nil }
            let dims = shape.map { $0! }
            guard 0 <= begin, begin <= end, end <= dataSize else { return nil }
            // In Double, exact here, so that a dimension grown by a changed digit cannot trap the oracle itself.
            guard dims.reduce(Double(size), { $0 * Double($1) }) == Double(end - begin) else { return nil }
            entries[name] = ExpectedEntry(dtype: dtype, shape: dims, range: begin..<end)
        }
        let ranges = entries.values.map(\.range).filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        for (a, b) in zip(ranges, ranges.dropFirst()) where a.upperBound > b.lowerBound { return nil }
        return entries
    }

    struct ExpectedEntry: Equatable {
        var dtype: String
        var shape: [Int]
        var range: Range<Int>
    }

    /// Damaged copies of a real adapter file, drawn from a fixed seed. Every copy the format calls invalid must
    /// be rejected with a `SafeTensorsError` (never a crash, never accepted); every copy it calls valid (a byte
    /// changed inside a tensor name or the padding, or anywhere in the data) must be read, with exactly the
    /// entries the format gives it.
    @Test func truncatedAndCorruptedFilesAreRejectedExactlyWhenInvalid() throws {
        let source = FixturePaths.fixture("qlora-reference/tiny-llama/r8_a16_lr1e-3_all_dq/adapter_init/adapter_model.safetensors")
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        #expect(Self.formatVerdict(original)?.count == 28, "the oracle reads the intact file")
        let dir = try FixturePaths.temporaryDirectory()
        let path = dir.appendingPathComponent("t.safetensors").path
        let headerEnd = 8 + Int(original.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        let seed: UInt64 = 1
        var rng = SeededGenerator(seed: seed)
        // Truncations inside the header and the data: the last tensor ends at the end of the file, so every one
        // is invalid.
        for trial in 0..<60 {
            let cut = Int(rng.next() % UInt64(original.count - 1))
            #expect(Self.formatVerdict(Array(original.prefix(cut))) == nil)
            try Data(original.prefix(cut)).write(to: URL(fileURLWithPath: path))
            #expect(throws: SafeTensorsError.self, "seed \(seed), truncation \(trial) at byte \(cut)") { try SafeTensorsFile(path: path) }
        }
        // Where each tensor's name lies in the header, to know when a changed byte renames one to another's name.
        let names = try SafeTensorsFile(path: source).names
        let header = Array(original[8..<headerEnd])
        let nameSpans = names.map { name -> Range<Int> in
            let quoted = Array("\"\(name)\"".utf8)
            let start = (0...(header.count - quoted.count)).first { header[$0..<($0 + quoted.count)].elementsEqual(quoted) }!
            return (8 + start + 1)..<(8 + start + quoted.count - 1)
        }
        // One byte replaced, nine times in ten in the length or the header, otherwise in the data.
        var rejected = 0, accepted = 0, duplicates = 0
        for trial in 0..<1000 {
            var bytes = original
            let inHeader = rng.next() % 10 != 0
            let position = inHeader ? Int(rng.next() % UInt64(headerEnd)) : headerEnd + Int(rng.next() % UInt64(original.count - headerEnd))
            let value = UInt8(truncatingIfNeeded: rng.next())
            guard bytes[position] != value else { continue }
            bytes[position] = value
            let origin = "seed \(seed), trial \(trial): byte \(position) \(original[position]) → \(value)"
                + (inHeader && position >= 8 ? " in \(String(decoding: bytes[max(8, position - 30)..<min(headerEnd, position + 30)], as: UTF8.self).debugDescription)" : "")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            // Two tensors of one name are invalid. JSON parsers keep one of a repeated key without a word (the
            // reader's the first, JSONSerialization the last), so the name alone cannot be seen; but the lost entry
            // leaves bytes of the data section to no tensor, and the reader refuses such a gap.
            let renamed = nameSpans.indices.first { nameSpans[$0].contains(position) }.map { i in
                String(decoding: bytes[nameSpans[i]], as: UTF8.self)
            }
            if let renamed, names.contains(renamed) {
                duplicates += 1
                #expect(throws: SafeTensorsError.self, "\(origin)") { try SafeTensorsFile(path: path) }
                continue
            }
            let verdict = Self.formatVerdict(bytes)
            do {
                let file = try SafeTensorsFile(path: path)
                accepted += 1
                guard let verdict else {
                    Issue.record("accepted an invalid file: \(origin)")
                    continue
                }
                let read = file.entries.mapValues { ExpectedEntry(dtype: $0.dtype.rawValue, shape: $0.shape, range: $0.range) }
                #expect(read == verdict, "\(origin)")
                for name in file.names { #expect(try file.bytes(name).count == verdict[name]?.range.count, "\(origin)") }
            } catch let error as SafeTensorsError {
                rejected += 1
                #expect(verdict == nil, "rejected a valid file: \(origin): \(error)")
            }
        }
        print("SafeTensors corruptions (seed \(seed)): \(rejected) rejected, \(accepted) accepted, \(duplicates) duplicate names")
        // Both kinds occur in numbers, so neither half of the check above is empty.
        #expect(rejected >= 200 && accepted >= 200, "\(rejected) rejected, \(accepted) accepted")
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

/// The format lays tensors end to end over the whole data section: a gap is a header that lost an entry.
struct SafeTensorsCoverageTests {
    @Test func bytesThatBelongToNoTensorAreRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func file(_ header: String, dataBytes: Int) throws -> String {
            var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init)
            bytes += Array(header.utf8) + [UInt8](repeating: 0, count: dataBytes)
            let path = directory.appendingPathComponent("\(UUID().uuidString).safetensors").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
        let whole = try file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, dataBytes: 8)
        #expect(try SafeTensorsFile(path: whole).names.sorted() == ["a", "b"])
        // "b" renamed to "a": one key survives, and 4 bytes belong to no tensor.
        let renamed = try file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, dataBytes: 8)
        #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(path: renamed) }
        let gap = try file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, dataBytes: 8)
        #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(path: gap) }
        let tail = try file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, dataBytes: 8)
        #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(path: tail) }
    }
}
