import Foundation
import Testing

/// qlab loads what it writes: a merged checkpoint (and a fully fine-tuned one) carries its tokenizer, so it can be
/// trained, evaluated and chatted with as a model of its own.
@Suite(.serialized)
struct MergeOutputTests {
    static let smolLM2 = CLI.packageRoot.appendingPathComponent(".cache/models/smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf").path

    @Test(.enabled(if: FileManager.default.fileExists(atPath: smolLM2), "the SmolLM2 model is missing: run scripts/setup"))
    func aMergedModelTrainsAndEvaluatesAgain() throws {
        let root = TrainCommandTests.temporary()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = root + "/pairs.jsonl"
        try GridRunnerTests.dataset(data, salt: 4, count: 16)
        let shape = ["--steps", "1", "--batch-size", "2", "--rank", "2", "--threads", "1", "--source-max-length", "16", "--target-max-length", "8"]
        let first = try CLI.run(["train", "--model", "smollm2-135m", "--out", root + "/first", "--data", data] + shape)
        #expect(first.status == 0, "\(first.stderr)")
        let merge = try CLI.run(["merge", "--model", "smollm2-135m", "--adapter", root + "/first/adapter", "--out", root + "/merged"])
        #expect(merge.status == 0, "\(merge.stderr)")
        for file in ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"] {
            #expect(FileManager.default.fileExists(atPath: root + "/merged/" + file), "\(file) missing from the merge")
        }
        // The merge as a base: quantized to NF4 + DQ and trained again, and evaluated.
        let second = try CLI.run(["train", "--model", root + "/merged", "--out", root + "/second", "--data", data] + shape)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(FileManager.default.fileExists(atPath: root + "/second/adapter/adapter_model.safetensors"))
        let eval = try CLI.run(["eval", "--model", root + "/merged", "--data", data, "--json", "--threads", "1",
                                "--source-max-length", "16", "--target-max-length", "8"])
        #expect(eval.status == 0, "\(eval.stderr)")
    }

    /// A checkpoint whose tokenizer is a SentencePiece tokenizer.model: the merge carries its tokenizer files over.
    @Test func aSentencePieceCheckpointsTokenizerFilesAreCarriedOver() throws {
        let root = TrainCommandTests.temporary()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let base = root + "/base"
        try FileManager.default.copyItem(atPath: CLI.fixture("qlora-reference/tiny-llama/base"), toPath: base)
        let model = CLI.fixture("sentencepiece/bpe-llama/tokenizer.model")
        try FileManager.default.copyItem(atPath: model, toPath: base + "/tokenizer.model")
        try Data(#"{"add_bos_token": true}"#.utf8).write(to: URL(fileURLWithPath: base + "/tokenizer_config.json"))
        let adapter = CLI.fixture("qlora-reference/tiny-llama/r8_a16_lr1e-3_all_dq/adapter_final_cuda")
        let merge = try CLI.run(["merge", "--model", base, "--adapter", adapter, "--out", root + "/merged"])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(!merge.stderr.contains("warning"), "\(merge.stderr)")
        #expect(FileManager.default.contents(atPath: root + "/merged/tokenizer.model") == FileManager.default.contents(atPath: model))
        #expect(FileManager.default.fileExists(atPath: root + "/merged/tokenizer_config.json"))
    }
}
