import ExperimentSpec
import Foundation
import Runner
import Testing

/// `Benchmark(...)` in a grid cell: measured on the base before training (once per base) and after training, as
/// `qlab eval --benchmark` measures it, with the benchmark's files counted as an input of the cell.
@Suite(.serialized)
struct BenchmarkComponentTests {
    static func experiment(data: String, benchmark: String, seeds: Int) -> Experiment {
        Experiment("tiny-benchmark") {
            Description("Tiny cells measuring a multiple-choice benchmark before and after training.")
            Model.path(CLI.fixture("qlora-reference/tiny-llama/base"), parameters: 435_000)
            QLoRA.paperDefaults.scaled(steps: 6, batchSize: 4, sourceLength: 12, targetLength: 6)
            Fix(\.lora.dropout, 0)
            Fix(\.optimizer.learningRate, 1e-2)
            Fix(\.data.datasets, [data])
            Fix(\.gradientCheckpointing, false)
            Evaluate {
                Benchmark(benchmark, name: "mini", shots: 1, limit: 3)
            }
            Seeds(seeds)
        }
    }

    @Test func baseAndTrainedAccuracyAreMetricsOfTheCellAndTheBaseIsMeasuredOnce() throws {
        let root = TrainCommandTests.temporary()
        let data = root + "/pairs.jsonl", bench = root + "/mini"
        try GridRunnerTests.dataset(data, salt: 5, count: 40)
        try FileManager.default.copyItem(atPath: CLI.fixture("benchmark/mini"), toPath: bench)
        let runner = try GridRunner(experiment: Self.experiment(data: data, benchmark: bench, seeds: 2), runsRoot: root + "/runs")
        let cells = try runner.plan()
        #expect(cells.count == 2)
        #expect(cells[0].entry.inputs.contains { $0.path == "mini" && $0.role == "dataset" && !$0.sha256.isEmpty }, "the folder is an input")
        let outcome = try runner.run(cells, jobs: 1, cores: 2, force: false, executable: CLI.executable.path, say: GridRunnerTests.quiet)
        #expect(outcome.succeeded.count == 2 && outcome.failed.isEmpty)
        var base: [Double] = [], reused: [Bool] = []
        for cell in cells {
            let run = try #require(try runner.store.runs(cell: cell.entry.cell).last)
            let metrics = try runner.store.finalMetrics(run: run.id)
            base.append(try #require(metrics["benchmark_mini_base"]))
            #expect(metrics["benchmark_mini_base_asked"] == 6 && metrics["benchmark_mini_asked"] == 6)
            #expect(metrics["benchmark_mini"] != nil && metrics["benchmark_mini_macro"] != nil)
            let directory = root + "/runs/" + cell.entry.directory
            let log = try String(contentsOfFile: directory + "/cell.log", encoding: .utf8)
            reused.append(log.contains("measured by an earlier cell"))
            for name in ["answers-benchmark-mini-base.json", "answers-benchmark-mini.json"] {
                let answers = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))) as! [String: Any]
                #expect((answers["questions"] as! [[String: Any]]).count == 6, "\(name)")
            }
        }
        #expect(base[0] == base[1])
        #expect(reused == [false, true], "the second seed reads what the first measured on the same base")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/runs/.memo/base-benchmark").count == 1)
        // The base measurement is the command's, on the same storage (NF4 + double quantization).
        let eval = try CLI.run(["eval", "--model", CLI.fixture("qlora-reference/tiny-llama/base"), "--benchmark", bench,
                                "--shots", "1", "--limit", "3", "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as! [String: Any]
        #expect(report["micro_accuracy"] as? Double == base[0])
        let memo = try FileManager.default.contentsOfDirectory(atPath: root + "/runs/.memo/base-benchmark")[0]
        let kept = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/runs/.memo/base-benchmark/" + memo))) as! [String: Any]
        let keptScores = (kept["questions"] as! [[String: Any]]).map { $0["scores"] as! [Double] }
        let evalScores = (report["questions"] as! [[String: Any]]).map { $0["scores"] as! [Double] }
        for (a, b) in zip(keptScores.joined(), evalScores.joined()) { #expect(abs(a - b) <= 1e-4 * max(1, abs(b)), "\(a) vs \(b)") }
        // A changed benchmark file is a different input: the cells get new ids.
        try "What is 1+1?,1,2,3,4,B\n".write(toFile: bench + "/test/world_geography_test.csv", atomically: true, encoding: .utf8)
        #expect(try runner.plan()[0].entry.cell != cells[0].entry.cell)
    }
}
