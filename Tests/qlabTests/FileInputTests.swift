import ExperimentSpec
import Foundation
import Runner
import enum Tensors.BLAS
import Testing

/// What is read from files and reaches the numeric kernels (built without bounds checks) is refused with an
/// error naming the file; data that is kept though imperfect is not kept silently.
@Suite(.serialized)
struct FileInputTests {
    let t = TrainCommandTests()

    /// A copy of the reference batches with one label of `tensor` set to `label` (little-endian Int64).
    static func batches(settingLastLabelOf tensor: String, to label: Int64) throws -> String {
        let source = CLI.fixture("qlora-reference/tiny-llama/batches.safetensors")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: source))
        let headerLength = Int(bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian })
        let header = try #require(try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<(8 + headerLength))) as? [String: Any])
        let entry = try #require(header[tensor] as? [String: Any])
        #expect(entry["dtype"] as? String == "I64")
        let offsets = try #require(entry["data_offsets"] as? [Int])
        let position = 8 + headerLength + offsets[1] - 8
        withUnsafeBytes(of: label.littleEndian) { bytes.replaceSubrange(position..<(position + 8), with: $0) }
        let path = TrainCommandTests.temporary() + "/batches.safetensors"
        try bytes.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The tiny model has 259 tokens: label 259 used to be read as the next row's first logit, silently.
    @Test(arguments: [Int64(259), Int64(-3)])
    func aBatchFileWithALabelOutsideTheVocabularyIsRefusedBeforeStepOne(label: Int64) throws {
        let file = try Self.batches(settingLastLabelOf: "step002_labels", to: label)
        let out = TrainCommandTests.temporary() + "/run"
        var arguments = t.arguments(out: out, steps: 4)
        arguments[arguments.firstIndex(of: "--batches")! + 1] = file
        ErrorMessageTests.expectPresented(try CLI.run(arguments),
                                          [file + ": step 3: label \(label) is outside the model's vocabulary (0..<259"], status: 1)
        #expect(!FileManager.default.fileExists(atPath: out), "nothing was trained or written")
    }

    /// Lines whose bytes are not UTF-8 are read with U+FFFD in their place: training goes on, with a warning
    /// that names the file, in `qlab train --data` and in a grid cell's log.
    @Test func datasetLinesThatAreNotUTF8AreReadWithAWarning() throws {
        let data = TrainCommandTests.temporary() + "/pairs.jsonl"
        try GridRunnerTests.dataset(data, salt: 3)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: data))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"prompt": "caf"#.utf8) + Data([0xC3]) + Data(#"=", "answer": "1"}"#.utf8) + Data([0x0A]))
        try handle.close()
        let warning = data + ": 1 line(s) are not valid UTF-8; their bad bytes were read as U+FFFD"

        let train = try CLI.run(["train", "--model", CLI.fixture("qlora-reference/tiny-llama/base"), "--out", TrainCommandTests.temporary() + "/run",
                                 "--data", data, "--steps", "1", "--batch-size", "2", "--threads", "1",
                                 "--source-max-length", "12", "--target-max-length", "6"])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stderr.contains("qlab: warning: " + warning), "\(train.stderr)")

        let experiment = Experiment("tiny-utf8") {
            Model.path(CLI.fixture("qlora-reference/tiny-llama/base"), parameters: 435_000)
            QLoRA.paperDefaults.scaled(steps: 1, batchSize: 2, sourceLength: 12, targetLength: 6)
            Fix(\.gradientCheckpointing, false)
            Fix(\.data.datasets, [data])
        }
        let runsRoot = TrainCommandTests.temporary() + "/runs"
        let runner = try GridRunner(experiment: experiment, runsRoot: runsRoot)
        let cell = try #require(try runner.plan().first)
        let log = Log()
        // In this process, at its BLAS thread count (other tests may be inside BLAS at this moment).
        try CellWorker(entry: cell.entry, runsRoot: runsRoot, threads: BLAS.threads).run(say: { log.append($0) })
        #expect(log.lines.contains("warning: " + warning), "\(log.lines)")
    }

    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var all: [String] = []
        func append(_ line: String) {
            lock.lock()
            all.append(line)
            lock.unlock()
        }
        var lines: [String] {
            lock.lock()
            defer { lock.unlock() }
            return all
        }
    }
}
