import Support
import ExperimentSpec
import Lineage
import Foundation
@testable import Runner
import enum Tensors.BLAS
import Testing

/// A cell's evaluation has one home, its configuration: what `--set` or an `Axis` changes there changes the id,
/// `config.json` and what the worker measures, alike.
@Suite(.serialized)
struct EvaluationSourceTests {
    @Test func anOverriddenEvaluationSettingIsWhatIsMeasured() throws {
        let f = try GridRunnerTests.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.root) }
        let experiment = GridRunnerTests.experiment(dataA: f.dataA, dataB: f.dataB, steps: 2)   // HeldOutLoss(maxExamples: 8)
        let only: [(axis: String, value: String)] = [("lora.rank", "4"), ("data.datasets", "a")]
        var measured: [Int: Double] = [:]
        for cap in [8, 3] {
            let overrides = cap == 8 ? Overrides.none : try Overrides(fixed: ["evaluation.heldOutLoss.maxExamples=\(cap)"])
            let runner = try GridRunner(experiment: experiment, runsRoot: f.root + "/runs-\(cap)", overrides: overrides)
            let cell = try #require(try runner.plan(only: only).first)
            #expect(cell.entry.config.evaluation.heldOutLoss?.maxExamples == cap)
            let metrics = try CellWorker(entry: cell.entry, runsRoot: runner.runsRoot, threads: BLAS.threads).run(say: { _ in })
            measured[cap] = metrics["eval_examples"]
            let config = try String(contentsOfFile: runner.runsRoot + "/" + cell.entry.directory + "/config.json", encoding: .utf8)
            #expect(config.contains("\"maxExamples\":\(cap)"), "\(config)")
        }
        // The spec's cap of 8 takes the whole held-out split of these 64 examples (7); the overridden cap, 3.
        #expect(measured[3] == 3)
        #expect((measured[8] ?? 0) > 3, "\(measured)")
    }

    @Test func theTournamentIsTheOneTheCellsDeclare() throws {
        let f = try GridRunnerTests.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.root) }
        let overrides = try Overrides(fixed: ["evaluation.tournament.prompts=2"])
        let runner = try GridRunner(experiment: f.experiment, runsRoot: f.root + "/runs", overrides: overrides)
        #expect(try runner.declaredTournament()?.prompts == 2)
        let plain = try GridRunner(experiment: f.experiment, runsRoot: f.root + "/plain")
        #expect(try plain.declaredTournament()?.prompts == 3)
    }
}

/// `--only` compares values, not spellings, on `plan` as on `run`.
struct OnlyFilterTests {
    @Test func valuesAreComparedAsValues() {
        #expect(GridRunner.sameValue("0.0002", "2e-4"))
        #expect(GridRunner.sameValue("8", "8.0"))
        #expect(GridRunner.sameValue("nf4", "nf4"))
        #expect(!GridRunner.sameValue("0.0002", "2e-3"))
        #expect(!GridRunner.sameValue("nf4", "fp4"))
    }

    @Test func planAndRunTakeEitherSpelling() throws {
        let root = TrainCommandTests.temporary()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let plan = try CLI.run(["plan", "smoke", "--runs", root + "/runs", "--only", "optimizer.learningRate=2e-4", "--json"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let cells = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [[String: Any]])
        #expect(cells.count == 2)
        for cell in cells {
            let axes = cell["axes"] as? [[String: String]] ?? []
            #expect(axes.contains { $0["name"] == "optimizer.learningRate" && $0["value"] == "0.0002" })
        }
        // A value no cell has names the values there are.
        let wrong = try CLI.run(["plan", "smoke", "--runs", root + "/runs", "--only", "optimizer.learningRate=3e-4"])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("its values: 0.0002, 0.001"), "\(wrong.stderr)")
    }
}

/// A cell's axis values have one spelling in the store, whether plan or ingest wrote the row last.
struct AxisValuesSpellingTests {
    @Test func planWritesWhatIngestWrites() throws {
        let axes = [Cell.AxisValue(name: "optimizer.learningRate", value: "0.0002"), Cell.AxisValue(name: "lora.rank", value: "8"),
                    Cell.AxisValue(name: "data.datasets", value: "a\"b")]
        let run = RunFile(id: "r", experiment: "x", cell: "c",
                          axisValues: Dictionary(axes.map { ($0.name, JSONValue.string($0.value)) }, uniquingKeysWith: { a, _ in a }),
                          status: .running, started: Date(), gitCommit: nil, gitDirty: nil, hostname: "h", pid: 1, blasCore: "Haswell",
                          threads: 1, seed: 0, parentRun: nil, executor: "local", log: nil, inputs: [])
        // What ingest writes from that run.json.
        let ingested = JSONValue.object(run.axisValues).canonicalText()
        #expect(GridRunner.axisValuesText(axes) == ingested)
        #expect(ingested == #"{"data.datasets":"a\"b","lora.rank":"8","optimizer.learningRate":"0.0002"}"#)
    }
}
