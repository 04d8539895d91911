import Foundation
import Testing

/// What is read from files and reaches the numeric kernels (built without bounds checks) is refused with an
/// error naming the file.
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
}
