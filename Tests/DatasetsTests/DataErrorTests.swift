import ExperimentSpec
import Foundation
import Tokenizers
import Testing
@testable import Datasets

/// Data that leaves nothing to train on is an error that names the files and what was in them.
struct DataErrorTests {
    @Test func aDatasetWithNothingToTrainOnNamesItsFile() throws {
        let path = try DataTestPaths.write((0..<4).map { #"{"prompt": "q\#($0)", "answer": ""}"# }, name: "empty-answers.jsonl")
        let settings = DataSettings(datasets: [path], sourceMaxLength: 8, targetMaxLength: 8, evalSize: 0, splitSeed: 1)
        var config = TrainingConfig()
        config.data = settings
        config.batchSize = 2
        do {
            let bundle = try DataBundle.load(settings, tokenizer: try ByteTokenizer(), catalog: try DatasetCatalog(root: nil))
            _ = try bundle.batchSource(for: config)
            Issue.record("a dataset without training examples was accepted")
        } catch {
            #expect("\(error)".contains(path + ": no training examples"), "\(error)")
            #expect("\(error)".contains("4 with empty answers"), "\(error)")
        }
    }
}
