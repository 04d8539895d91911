import ExperimentSpec
import Foundation
import Tensors
import Testing
@testable import Training

/// 8-bit states keep float32 moments only for tensors under 4,096 elements, and a checkpoint of them resumes exactly.
struct EightBitOptimizerMemoryTests {
    /// Parameter tensors of 100, 5,000, 3,000 and 10,000 elements, laid out one after the other.
    static let sizes = [100, 5_000, 3_000, 10_000]
    static var ranges: [Range<Int>] {
        var start = 0
        return sizes.map { n in defer { start += n }; return start..<(start + n) }
    }
    static var count: Int { sizes.reduce(0, +) }

    static func values(_ seed: UInt64, scale: Float) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in (rng.nextUniform() * 2 - 1) * scale }
    }

    static func optimizer(_ kind: OptimizerKind) throws -> AdamWOptimizer {
        try AdamWOptimizer(settings: OptimizerSettings(kind: kind, learningRate: 1e-3, weightDecay: 0.01),
                           count: count, tensors: ranges, pagedDirectory: nil)
    }

    /// Runs `steps` updates with seeded gradients from `first` on.
    static func train(_ o: AdamWOptimizer, _ p: inout [Float], steps: Range<Int>) {
        for s in steps {
            let g = values(UInt64(1000 + s), scale: 0.1)
            p.withUnsafeMutableBufferPointer { pp in g.withUnsafeBufferPointer { o.update(parameters: pp.baseAddress!, gradients: $0.baseAddress!, lr: 1e-3) } }
        }
    }

    @Test func onlySmallTensorsKeepThirtyTwoBitStates() throws {
        let eight = try Self.optimizer(.adamW8bit)
        #expect(eight.thirtyTwoBitStateCount == 3_100)
        // 3,100 × 2 moments × 4 bytes, plus one byte per element and moment for the large tensors and 4 bytes per
        // block of 256 and moment.
        let blocks = [5_000, 10_000].map { ($0 + 255) / 256 }.reduce(0, +)
        #expect(eight.stateBytes == 3_100 * 8 + 15_000 * 2 + blocks * 8)
        let full = try Self.optimizer(.adamW)
        #expect(full.thirtyTwoBitStateCount == Self.count)
        #expect(eight.stateBytes * 2 < full.stateBytes)
    }

    @Test func smallTensorsUpdateAsThirtyTwoBitAdamW() throws {
        let eight = try Self.optimizer(.adamW8bit), full = try Self.optimizer(.adamW)
        var p8 = Self.values(1, scale: 1), p32 = p8
        Self.train(eight, &p8, steps: 0..<5)
        Self.train(full, &p32, steps: 0..<5)
        // Identical arithmetic on the small tensors: the same bits.
        for r in [Self.ranges[0], Self.ranges[2]] {
            #expect(p8[r].map(\.bitPattern) == p32[r].map(\.bitPattern))
        }
        // Quantized moments on the large ones: close to, not equal to, the 32-bit result.
        let large = Self.ranges[3]
        let difference = zip(p8[large], p32[large]).map { abs($0 - $1) }.max()!
        #expect(difference > 0)
        #expect(difference < 1e-3)
    }

    @Test func aCheckpointResumesBitForBit() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-opt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let straight = try Self.optimizer(.adamW8bit)
        var p = Self.values(2, scale: 1)
        Self.train(straight, &p, steps: 0..<6)

        let first = try Self.optimizer(.adamW8bit)
        var q = Self.values(2, scale: 1)
        Self.train(first, &q, steps: 0..<3)
        let path = directory + "/state.safetensors"
        try SafeTensorsWriter.write(first.stateTensors(), to: path)
        let state = try SafeTensorsFile(path: path)
        #expect(try state.floats("m").count == 3_100)
        let resumed = try Self.optimizer(.adamW8bit)
        try resumed.restore(from: state)
        Self.train(resumed, &q, steps: 3..<6)
        #expect(p.map(\.bitPattern) == q.map(\.bitPattern))
    }

    @Test func aCheckpointWithFullMomentsStillResumes() throws {
        // Checkpoints written before this layout held float32 moments for every parameter.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-opt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try Self.optimizer(.adamW8bit)
        var q = Self.values(3, scale: 1)
        Self.train(first, &q, steps: 0..<2)
        var tensors = first.stateTensors()
        let m = try Self.roundTrip(tensors, directory: directory)
        var fullM = [Float](repeating: 0, count: Self.count), fullV = fullM
        let mv = try m.floats("m"), vv = try m.floats("v")
        var offset = 0
        for r in [Self.ranges[0], Self.ranges[2]] {
            for (j, i) in r.enumerated() { fullM[i] = mv[offset + j]; fullV[i] = vv[offset + j] }
            offset += r.count
        }
        tensors = tensors.map { t in
            t.name == "m" ? ("m", .float32(fullM, shape: [Self.count])) : t.name == "v" ? ("v", .float32(fullV, shape: [Self.count])) : t
        }
        let old = try Self.roundTrip(tensors, directory: directory)
        let resumed = try Self.optimizer(.adamW8bit), straight = try Self.optimizer(.adamW8bit)
        try resumed.restore(from: old)
        try straight.restore(from: m)
        var a = q, b = q
        Self.train(resumed, &a, steps: 2..<4)
        Self.train(straight, &b, steps: 2..<4)
        #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
    }

    static func roundTrip(_ tensors: [(name: String, blob: SafeTensorsBlob)], directory: String) throws -> SafeTensorsFile {
        let path = directory + "/\(UUID().uuidString).safetensors"
        try SafeTensorsWriter.write(tensors, to: path)
        return try SafeTensorsFile(path: path)
    }
}
