import Foundation
import Testing

/// `qlab eval` and `qlab train --data` as a user runs them, on the tiny reference model.
@Suite(.serialized)
struct EvalCommandTests {
    let model = CLI.fixture("qlora-reference/tiny-llama/base")
    let shape = ["--source-max-length", "12", "--target-max-length", "6"]

    static func json(_ text: String) throws -> [String: Any] {
        let line = try #require(text.split(separator: "\n").last)
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    static func file(_ text: String, name: String = "text.txt") throws -> String {
        let path = TrainCommandTests.temporary() + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func textPerplexityFollowsTheStatedConvention() throws {
        let a = try Self.file(String(repeating: "3+4=7. ", count: 20)), b = try Self.file("the end\n")
        let r = try CLI.run(["eval", "--model", model, "--dtype", "none", "--text", a, b, "--window", "32", "--max-tokens", "100", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let result = try Self.json(r.stdout)
        // 100 byte tokens (no BOS) give 99 scored tokens.
        #expect(result["tokens"] as? Int == 100 && result["scored_tokens"] as? Int == 99)
        let loss = try #require(result["mean_loss"] as? Double), perplexity = try #require(result["perplexity"] as? Double)
        #expect(loss > 0 && abs(perplexity - exp(loss)) < 1e-9 * perplexity)
        #expect(r.stderr.contains("scored 99/99 tokens"))
        // The whole text (no limit) and the plain-text summary.
        let all = try CLI.run(["eval", "--model", model, "--dtype", "nf4", "--double-quant", "--text", a, b, "--window", "64"])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.contains("nf4+dq") && all.stdout.contains("over \(20 * 7 + 1 + 8 - 1) scored tokens"), "\(all.stdout)")
        let help = try CLI.run(["eval", "--help"])
        // Help wraps lines: compare with whitespace runs folded to one space.
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("the files are joined with \"\\n\" in the order given and tokenized without BOS"), "\(words)")
        #expect(words.contains("the final partial window counts too. N tokens therefore give N − 1 scored tokens"))
    }

    @Test func badInputsAreClearErrors() throws {
        let good = try Self.file("some text to score")
        let empty = try Self.file("", name: "empty.txt")
        let missing = try CLI.run(["eval", "--model", model, "--text", good, "/no/such/text.txt"])
        #expect(missing.status != 0 && missing.stderr.contains("/no/such/text.txt"), "\(missing.stderr)")
        let blank = try CLI.run(["eval", "--model", model, "--text", empty])
        #expect(blank.status != 0 && blank.stderr.contains(empty) && blank.stderr.contains("empty"), "\(blank.stderr)")
        let long = try CLI.run(["eval", "--model", model, "--text", good, "--window", "300"])
        #expect(long.status != 0 && long.stderr.contains("window 300") && long.stderr.contains("256"), "\(long.stderr)")
        let data = TrainCommandTests.temporary() + "/pairs.jsonl"
        try GridRunnerTests.dataset(data, salt: 1, count: 20)
        let none = try CLI.run(["eval", "--model", model, "--data", data, "--eval-size", "0"] + shape)
        #expect(none.status != 0 && none.stderr.contains(data) && none.stderr.contains("evaluation split"), "\(none.stderr)")
        let both = try CLI.run(["eval", "--model", model, "--text", good, "--data", data])
        #expect(both.status != 0)
        let train = try CLI.run(["train", "--model", model, "--out", TrainCommandTests.temporary(), "--data", data, "--eval-size", "0",
                                 "--eval-every", "5", "--steps", "10", "--batch-size", "2"] + shape)
        #expect(train.status != 0 && train.stderr.contains(data) && train.stderr.contains("evaluation split"), "\(train.stderr)")
    }

    /// `train --data` scores the held-out set a grid cell of the same configuration scores: on conversations,
    /// `evaluation.heldOutLoss.turns` decides which assistant turns count.
    @Test func trainScoresTheHeldOutTurnsItsConfigurationNames() throws {
        let data = TrainCommandTests.temporary() + "/chats.jsonl"
        let lines = (0..<30).map { i in
            #"{"conversation":[{"human":"\#(i)+1","assistant":"\#(i + 1)"},{"human":"\#(i)+2","assistant":"\#(i + 2)"},{"human":"\#(i)+3","assistant":"\#(i + 3)"}]}"#
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: data, atomically: true, encoding: .utf8)
        func heldOutTokens(_ turns: String) throws -> Int {
            let r = try CLI.run(["train", "--model", model, "--out", TrainCommandTests.temporary() + "/run-" + turns, "--data", data,
                                 "--eval-size", "6", "--eval-tokens", "0", "--steps", "1", "--batch-size", "2", "--threads", "1",
                                 "--source-max-length", "160", "--target-max-length", "64",
                                 "--set", "evaluation.heldOutLoss.turns=" + turns])
            #expect(r.status == 0, "\(r.stderr)")
            let line = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("held-out loss") }, "\(r.stdout)")
            let words = line.split(separator: " ")
            let over = try #require(words.firstIndex(of: "over"))
            return try #require(Int(words[over + 1]))
        }
        let all = try heldOutTokens("all"), last = try heldOutTokens("last")
        // Three answers of each held-out conversation against its last one only (an answer and its EOS).
        #expect(last > 0 && all > last, "all \(all), last \(last)")
        #expect(all == 3 * last, "all \(all), last \(last)")
    }

    /// The acceptance test of `train --data`: the adapter it writes lowers `eval --data` on the held-out split.
    @Test func trainingOnADatasetLowersItsHeldOutLoss() throws {
        let data = TrainCommandTests.temporary() + "/pairs.jsonl"
        try GridRunnerTests.dataset(data, salt: 5, count: 80)
        let out = TrainCommandTests.temporary() + "/run"
        let before = try CLI.run(["eval", "--model", model, "--dtype", "nf4", "--double-quant", "--data", data, "--json"] + shape)
        #expect(before.status == 0, "\(before.stderr)")
        let train = try CLI.run(["train", "--model", model, "--out", out, "--data", data, "--steps", "30", "--batch-size", "4",
                                 "--lr", "1e-3", "--rank", "8", "--dropout", "0", "--eval-every", "10", "--checkpoint-every", "10",
                                 "--threads", "1"] + shape)
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stderr.contains("72 training and 8 held-out examples"), "\(train.stderr)")
        #expect(train.stdout.contains("held-out loss"), "\(train.stdout)")
        let logged = try String(contentsOfFile: out + "/steps.jsonl", encoding: .utf8).split(separator: "\n").filter { $0.contains("eval_loss") }
        #expect(logged.count == 3, "evaluations at steps 10, 20, 30")
        // Same settings as training through its config.json: same split, same collator, same storage.
        let after = try CLI.run(["eval", "--config", out + "/config.json", "--model", model, "--adapter", out + "/adapter", "--json"])
        #expect(after.status == 0, "\(after.stderr)")
        let b = try Self.json(before.stdout), a = try Self.json(after.stdout)
        #expect(a["examples"] as? Int == 8 && b["examples"] as? Int == 8)
        #expect(a["scored_tokens"] as? Int == b["scored_tokens"] as? Int)
        #expect(a["double_quant"] as? Bool == true)
        let lossBefore = try #require(b["mean_loss"] as? Double), lossAfter = try #require(a["mean_loss"] as? Double)
        #expect(lossAfter < lossBefore - 0.1, "held-out loss \(lossBefore) → \(lossAfter)")
    }

    /// One default for double quantization everywhere, the paper's (on); one typed parse per option kind.
    @Test func doubleQuantizationIsOnByDefaultAndTypesAreParsedOneWay() throws {
        let text = TrainCommandTests.temporary() + "/t.txt"
        try String(repeating: "the quick brown fox jumps over the lazy dog. ", count: 20).write(toFile: text, atomically: true, encoding: .utf8)
        let plain = try CLI.run(["eval", "--model", model, "--text", text, "--window", "32", "--max-tokens", "64", "--json"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(try Self.json(plain.stdout)["double_quant"] as? Bool == true)
        let off = try CLI.run(["eval", "--model", model, "--text", text, "--window", "32", "--max-tokens", "64", "--json", "--no-double-quant"])
        #expect(try Self.json(off.stdout)["double_quant"] as? Bool == false)
        for (command, flag) in [("generate", "--dtype"), ("merge", "--output-dtype"), ("merge", "--dtype"), ("merge", "--through")] {
            var args = [command, "--model", model, flag, "nf5"]
            if command == "merge" { args += ["--adapter", "/nonexistent", "--out", TrainCommandTests.temporary() + "/m"] }
            if command == "generate" { args += ["--prompt", "hi"] }
            let r = try CLI.run(args)
            #expect(r.status == 64, "\(command) \(flag) nf5: \(r.stderr)")
            #expect(r.stderr.contains("nf5"), "\(r.stderr)")
        }
    }
}
