import ExperimentSpec
import Foundation
import Runner
import Testing

/// `Perplexity(text:…)` in a grid cell: measured on the base before training and on the trained adapter after,
/// as `qlab eval --text` measures it, with the text file counted as an input of the cell.
@Suite(.serialized)
struct PerplexityComponentTests {
    static func experiment(data: String, text: String, evalSize: Double = 0.1, seeds: Int = 1,
                           quantization: QuantizationKind = .nf4) -> Experiment {
        Experiment("tiny-perplexity") {
            Description("One tiny cell measuring the perplexity of a text before and after training.")
            Model.path(CLI.fixture("qlora-reference/tiny-llama/base"), parameters: 435_000)
            QLoRA.paperDefaults.scaled(steps: 8, batchSize: 4, sourceLength: 12, targetLength: 6)
            Fix(\.lora.dropout, 0)
            Fix(\.optimizer.learningRate, 1e-3)
            Fix(\.data.datasets, [data])
            Fix(\.gradientCheckpointing, false)
            Fix(\.data.evalSize, evalSize)
            Fix(\.model.quantization, quantization)
            Evaluate {
                Perplexity(text: [text], name: "sums", window: 32, maxTokens: 200)
                HeldOutLoss()
            }
            Seeds(seeds)
        }
    }

    @Test func baseAndTrainedPerplexityAreMetricsOfTheCell() throws {
        let root = TrainCommandTests.temporary()
        let data = root + "/pairs.jsonl", text = root + "/sums.txt"
        try GridRunnerTests.dataset(data, salt: 3, count: 40)
        try String(repeating: "12+30=42\n7+8=15\n", count: 20).write(toFile: text, atomically: true, encoding: .utf8)
        let runner = try GridRunner(experiment: Self.experiment(data: data, text: text), runsRoot: root + "/runs")
        let cells = try runner.plan()
        #expect(cells.count == 1)
        #expect(cells[0].entry.inputs.contains { $0.path == runner.store.paths.relative(text) && $0.role == "dataset" }, "the text is an input of the cell")
        #expect(cells[0].entry.inputs.contains { $0.path == "sums.txt" }, "kept relative to the project root")
        let outcome = try runner.run(cells, jobs: 1, cores: 2, force: false, executable: CLI.executable.path, say: GridRunnerTests.quiet)
        #expect(outcome.succeeded.count == 1 && outcome.failed.isEmpty)
        let run = try #require(try runner.store.runs(cell: cells[0].entry.cell).last)
        let metrics = try runner.store.finalMetrics(run: run.id)
        let base = try #require(metrics["perplexity_sums_base"]), trained = try #require(metrics["perplexity_sums"])
        #expect(metrics["perplexity_sums_base_tokens"] == 199 && metrics["perplexity_sums_tokens"] == 199)
        #expect(base != trained, "the trained adapter changes the model")
        // The base measurement is the command's: same storage (the cell's NF4 + double quantization), same text convention.
        let eval = try CLI.run(["eval", "--model", CLI.fixture("qlora-reference/tiny-llama/base"), "--dtype", "nf4", "--double-quant",
                                "--text", text, "--window", "32", "--max-tokens", "200", "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let line = try #require(eval.stdout.split(separator: "\n").last)
        let expected = try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["perplexity"] as? Double)
        #expect(abs(base - expected) <= 1e-12 * expected, "\(base) vs qlab eval \(expected)")
        // A changed text is a different input: the cell gets a new id.
        try String(repeating: "1+1=2\n", count: 30).write(toFile: text, atomically: true, encoding: .utf8)
        #expect(try runner.plan()[0].entry.cell != cells[0].entry.cell)
    }

    @Test func aHeldOutLossWithNothingHeldOutFailsBeforeTraining() throws {
        let root = TrainCommandTests.temporary()
        let data = root + "/pairs.jsonl", text = root + "/sums.txt"
        try GridRunnerTests.dataset(data, salt: 3, count: 40)
        try "12+30=42\n".write(toFile: text, atomically: true, encoding: .utf8)
        let runner = try GridRunner(experiment: Self.experiment(data: data, text: text, evalSize: 0), runsRoot: root + "/runs")
        let cells = try runner.plan()
        let outcome = try runner.run(cells, jobs: 1, cores: 2, force: false, executable: CLI.executable.path, say: GridRunnerTests.quiet)
        #expect(outcome.succeeded.isEmpty && outcome.failed.count == 1)
        let run = try #require(try runner.store.runs(cell: cells[0].entry.cell).last)
        #expect(run.status == .failed)
        #expect(run.exitReason?.contains(data) == true && run.exitReason?.contains("evaluation split") == true, "\(run.exitReason ?? "-")")
        #expect(!FileManager.default.fileExists(atPath: root + "/runs/" + cells[0].entry.directory + "/adapter"), "no training ran")
    }

    @Test func theBaseOfOtherSeedsIsMeasuredOnceAndARerunMeasuresItAgain() throws {
        let root = TrainCommandTests.temporary()
        let data = root + "/pairs.jsonl", text = root + "/sums.txt"
        try GridRunnerTests.dataset(data, salt: 3, count: 40)
        try String(repeating: "12+30=42\n7+8=15\n", count: 20).write(toFile: text, atomically: true, encoding: .utf8)
        let runner = try GridRunner(experiment: Self.experiment(data: data, text: text, seeds: 2), runsRoot: root + "/runs")
        let cells = try runner.plan()
        #expect(cells.count == 2)
        let outcome = try runner.run(cells, jobs: 1, cores: 2, force: false, executable: CLI.executable.path, say: GridRunnerTests.quiet)
        #expect(outcome.succeeded.count == 2 && outcome.failed.isEmpty)
        var base: [Double] = [], trained: [Double] = [], seconds: [Double] = [], reused: [Bool] = []
        for cell in cells {
            let run = try #require(try runner.store.runs(cell: cell.entry.cell).last)
            let metrics = try runner.store.finalMetrics(run: run.id)
            base.append(try #require(metrics["perplexity_sums_base"]))
            trained.append(try #require(metrics["perplexity_sums"]))
            seconds.append(try #require(metrics["seconds_perplexity_sums_base"]))
            let log = try String(contentsOfFile: root + "/runs/" + cell.entry.directory + "/cell.log", encoding: .utf8)
            reused.append(log.contains("measured by an earlier cell"))
        }
        #expect(base[0].bitPattern == base[1].bitPattern)
        #expect(trained[0] != trained[1], "the seeds train different adapters")
        #expect(reused == [false, true], "the second seed reads what the first measured")
        #expect(seconds[0] > 0 && seconds[1] == 0)
        let memos = try FileManager.default.contentsOfDirectory(atPath: root + "/runs/.memo/base-perplexity")
        #expect(memos.count == 1)

        // A rerun measures it again and reproduces it, bit for bit.
        let verdict = try runner.rerun(cell: cells[1].entry.cell, cores: 2, executable: CLI.executable.path, say: GridRunnerTests.quiet)
        #expect(verdict.reproduced, "\(verdict.differingMetrics)")
        let rerun = try #require(try runner.store.runs(cell: cells[1].entry.cell).last)
        #expect(try runner.store.finalMetrics(run: rerun.id)["seconds_perplexity_sums_base"].map { $0 > 0 } == true)

        // Another storage type is another base: measured, not read.
        let fp4 = try GridRunner(experiment: Self.experiment(data: data, text: text, seeds: 1, quantization: .fp4), runsRoot: root + "/runs")
        let fp4Cells = try fp4.plan()
        #expect(try fp4.run(fp4Cells, jobs: 1, cores: 2, force: false, executable: CLI.executable.path, say: GridRunnerTests.quiet).succeeded.count == 1)
        let fp4Run = try #require(try fp4.store.runs(cell: fp4Cells[0].entry.cell).last)
        let fp4Base = try #require(try fp4.store.finalMetrics(run: fp4Run.id)["perplexity_sums_base"])
        #expect(fp4Base != base[0])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/runs/.memo/base-perplexity").count == 2)
    }
}
