import ExperimentSpec
import Foundation
import Tokenizers
import Testing
@testable import Datasets

/// The acceptance test: the tiny-llama reference run's batches, rebuilt from their own text.
struct CollatorReferenceTests {
    static let batchesPath = DataTestPaths.fixture("qlora-reference/tiny-llama/batches.safetensors")

    @Test func batchFileReadsFortySteps() throws {
        let file = try BatchFile(path: Self.batchesPath)
        #expect(file.steps == Array(0..<40))
        let first = try file.batch(step: 0)
        #expect(first.batchSize == 4 && first.sequenceLength == 32)
        #expect(first.inputIDs(row: 0).first == 257)
    }

    @Test func collatorReproducesTheReferenceBatches() throws {
        let tokenizer = try ByteTokenizer()
        let reference = try BatchFile(path: Self.batchesPath).batches()
        #expect(reference.count == 40)

        // Decode each row back into its prompt (after BOS, before the first label) and answer (labels before EOS).
        var lines: [String] = []
        for batch in reference {
            for row in 0..<batch.batchSize {
                let ids = Array(batch.inputIDs(row: row))
                let labels = Array(batch.labels(row: row))
                let firstLabel = try #require(labels.firstIndex { $0 != -100 })
                let eos = try #require(ids.firstIndex(of: 258))
                #expect(ids[0] == 257)
                let prompt = tokenizer.decode(Array(ids[1..<firstLabel]))
                let answer = tokenizer.decode(Array(ids[firstLabel..<eos]))
                #expect(prompt.hasSuffix("=") && prompt.contains("+") && answer.hasSuffix("\n"))
                let object: [String: String] = ["prompt": prompt, "answer": answer]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                lines.append(String(decoding: data, as: UTF8.self))
            }
        }
        let directory = try DataTestPaths.temporaryDirectory()
        let path = directory.appendingPathComponent("sums.jsonl").path
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))

        // Feed them back through the reader, the collator and the loader.
        let file = try DatasetFile.read(path: path)
        #expect(file.format == .pairs)
        #expect(file.records.count == 160)
        let collator = try Collator(tokenizer: tokenizer, sourceMaxLength: 16, targetMaxLength: 16)
        var report = file.report
        let examples = try collator.encode(file.records, path: path, report: &report)
        #expect(report.truncatedSources == 0 && report.truncatedTargets == 0)
        var loader = try DataLoader(examples: examples, batchSize: 4, order: .sequential, collator: collator, paddedLength: 32)
        for (step, expected) in reference.enumerated() {
            let batch = try loader.next()
            #expect(batch.inputIDs == expected.inputIDs, "input_ids of step \(step)")
            #expect(batch.attentionMask == expected.attentionMask, "attention_mask of step \(step)")
            #expect(batch.labels == expected.labels, "labels of step \(step)")
        }
        #expect(loader.position == DataLoader.Position(epoch: 0, index: 160))
    }
}
