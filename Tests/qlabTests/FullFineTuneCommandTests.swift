import Foundation
import Testing

/// `qlab train --full-fine-tune`: every weight trained, a Hugging Face checkpoint written.
struct FullFineTuneCommandTests {
    let model = CLI.fixture("qlora-reference/tiny-llama/base")
    let batches = CLI.fixture("qlora-reference/tiny-llama/batches.safetensors")

    @Test func fullFineTuningWritesAModelDirectory() throws {
        let out = TrainCommandTests.temporary()
        let result = try CLI.run(["train", "--model", model, "--out", out, "--batches", batches, "--full-fine-tune", "--dtype", "none",
                                  "--lr", "1e-3", "--steps", "3", "--optimizer", "adamw", "--threads", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("full fine-tuning"))
        #expect(result.stdout.contains("model: \(out)/model"))
        for file in ["steps.jsonl", "summary.json", "model/config.json", "model/model.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: out + "/adapter"))
        let config = try String(contentsOfFile: out + "/config.json", encoding: .utf8)
        #expect(config.contains("\"fullFineTune\":true"), "\(config)")
    }

    @Test func fullFineTuningNeedsAnUnquantizedModel() throws {
        let out = TrainCommandTests.temporary()
        let r = try CLI.run(["train", "--model", model, "--out", out, "--batches", batches, "--full-fine-tune", "--steps", "1"])
        #expect(r.status != 0 && r.stderr.contains("--dtype none"))
    }
}
