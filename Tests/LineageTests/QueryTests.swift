import Foundation
import GRDB
import Support
import Testing
@testable import Lineage

@Suite struct QueryTests {
    let sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

    @Test func parentChainIsNearestFirstAndSurvivesACycle() throws {
        try withTemporaryDirectory { directory in
            let store = try LineageStore(path: directory.appendingPathComponent("lineage.sqlite").path)
            let cells = try recordGrid(store, cells: 1)
            let first = try store.startRun(RunRecord(id: "r1", cell: cells[0]))
            let second = try store.startRun(RunRecord(id: "r2", cell: cells[0], parentRun: first))
            let third = try store.startRun(RunRecord(id: "r3", cell: cells[0], parentRun: second))
            #expect(try store.parentChain(of: third).map(\.id) == ["r2", "r1"])
            #expect(try store.parentChain(of: first).isEmpty)
            try store.pool.write { try $0.execute(sql: "UPDATE runs SET parent_run = 'r3' WHERE id = 'r1'") }
            #expect(try store.parentChain(of: third).map(\.id) == ["r2", "r1"])
            #expect(throws: LineageError.unknownRun(id: "r9")) { try store.parentChain(of: "r9") }
        }
    }

    @Test func lineageOfAnAdapterByHashPrefixByPathAndByRelativePath() throws {
        try withTemporaryDirectory { directory in
            let store = try LineageStore(path: directory.appendingPathComponent("lineage.sqlite").path)
            let cells = try recordGrid(store, cells: 2)
            let original = try store.startRun(RunRecord(id: "r1", cell: cells[1], gitCommit: "abc123", gitDirty: false, blasCore: "Haswell", threads: 2, seed: 7))
            try store.finishRun(id: original, status: .interrupted)
            let resumed = try store.startRun(RunRecord(id: "r2", cell: cells[1], gitCommit: "abc123", gitDirty: true, parentRun: original))
            try store.recordInputs([
                InputRecord(run: resumed, role: .baseModel, path: "models/smollm2-135m", sha256: String(repeating: "a", count: 64)),
                InputRecord(run: resumed, role: .dataset, path: "data/chatterbot-en.jsonl", sha256: String(repeating: "b", count: 64)),
            ])
            let adapterPath = directory.appendingPathComponent("runs/learning-rate/cell-1/adapter/adapter_model.safetensors").path
            try store.recordArtifacts([
                ArtifactRecord(path: adapterPath, kind: .adapter, sha256: sha, bytes: 1_234, run: resumed),
                ArtifactRecord(path: directory.appendingPathComponent("other").path, kind: .log, sha256: String(repeating: "c", count: 64), bytes: 1, run: resumed),
            ])
            try store.finishRun(id: resumed, status: .succeeded)

            let byHash = try store.lineage(of: String(sha.prefix(12)).uppercased())
            #expect(byHash.count == 1)
            let lineage = try #require(byHash.first)
            #expect(lineage.artifact.path == adapterPath)
            #expect(lineage.run.id == "r2")
            #expect(lineage.run.gitCommit == "abc123")
            #expect(lineage.run.gitDirty == true)
            #expect(lineage.cell.config == config(2e-4, seed: 1))
            #expect(lineage.experiments == ["learning-rate"])
            #expect(lineage.inputs.map(\.role) == [.baseModel, .dataset])
            #expect(lineage.parents.map(\.id) == ["r1"])
            #expect(lineage.parents.first?.blasCore == "Haswell")
            #expect(lineage.parents.first?.seed == 7)

            #expect(try store.lineage(of: sha) == byHash)
            #expect(try store.lineage(of: adapterPath) == byHash)
            #expect(try store.lineage(of: "runs/learning-rate/cell-1/adapter/adapter_model.safetensors", relativeTo: directory) == byHash)
            #expect(try store.lineage(of: "deadbeef").isEmpty)
            #expect(try store.lineage(of: "abc").isEmpty, "a short hex word is a path, not a hash prefix")
            // The adapter's folder, as train, eval and merge take it, with or without a slash, relative or not.
            #expect(try store.lineage(of: "runs/learning-rate/cell-1/adapter", relativeTo: directory) == byHash)
            #expect(try store.lineage(of: "runs/learning-rate/cell-1/adapter/", relativeTo: directory) == byHash)
            #expect(try store.lineage(of: (adapterPath as NSString).deletingLastPathComponent) == byHash)
            // A folder is a whole path component: a sibling whose name only starts the same is not inside it.
            #expect(try store.lineage(of: "runs/learning-rate/cell-1/adapt", relativeTo: directory).isEmpty)
            #expect(try store.lineage(of: "runs/learning-rate/cell-1", relativeTo: directory).count == 1)
        }
    }

    @Test func metricSeriesFinalMetricsAndNaN() throws {
        try withTemporaryDirectory { directory in
            let store = try LineageStore(path: directory.appendingPathComponent("lineage.sqlite").path)
            let cells = try recordGrid(store, cells: 1)
            let run = try store.startRun(RunRecord(cell: cells[0]))
            let steps = (1...5).map { StepLine(step: $0, loss: $0 == 4 ? .nan : 3.0 / Double($0), gradNorm: 0.3, lr: 2e-4, tokens: 100, seconds: 0.5) }
            try store.appendMetrics(run: run, steps.prefix(3).flatMap(\.metricPoints))
            try store.appendMetrics(run: run, steps.suffix(2).flatMap(\.metricPoints))
            // A step logged again replaces its value instead of failing or duplicating.
            try store.appendMetrics(run: run, [MetricPoint(step: 5, name: "loss", value: 0.5)])
            try store.recordFinalMetrics(run: run, ["eval_loss": 1.5, "exact_arithmetic": 0.25])
            let series = try store.metricSeries(run: run)
            #expect(series.map(\.name) == ["grad_norm", "loss", "lr", "seconds", "tokens", "tokens_per_second"])
            let loss = try #require(series.first { $0.name == "loss" })
            #expect(loss.steps == [1, 2, 3, 4, 5])
            #expect(loss.values[0] == 3)
            #expect(loss.values[3].isNaN)
            #expect(loss.values[4] == 0.5)
            #expect(series.first { $0.name == "tokens_per_second" }?.values == Array(repeating: 200, count: 5))
            #expect(try store.finalMetrics(run: run) == ["eval_loss": 1.5, "exact_arithmetic": 0.25])
            #expect(try store.metricCount(run: run) == 5 * 6 + 2)
        }
    }

    @Test func exportHasOneRowPerCellWithTheChosenRunsFinalMetrics() throws {
        try withTemporaryDirectory { directory in
            let store = try LineageStore(path: directory.appendingPathComponent("lineage.sqlite").path)
            let cells = try recordGrid(store, cells: 3)
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            let good = try store.startRun(RunRecord(id: "good", cell: cells[0], started: t0))
            try store.recordFinalMetrics(run: good, ["eval_loss": 1.25])
            try store.finishRun(id: good, status: .succeeded)
            // A later failed rerun does not hide the succeeded run's numbers.
            let rerun = try store.startRun(RunRecord(id: "rerun", cell: cells[0], started: t0.addingTimeInterval(60), parentRun: good))
            try store.finishRun(id: rerun, status: .failed)
            let bad = try store.startRun(RunRecord(id: "bad", cell: cells[1], started: t0))
            try store.recordFinalMetrics(run: bad, ["eval_loss": .nan, "exact, \"quoted\"": 0])
            try store.finishRun(id: bad, status: .failed)

            let export = try store.export(experiment: "learning-rate")
            #expect(export.axisNames == ["optimizer.learningRate", "seed"])
            #expect(export.metricNames == ["eval_loss", "exact, \"quoted\""])
            #expect(export.rows.map(\.run) == ["good", "bad", nil])
            #expect(export.rows.map(\.status) == [.done, .failed, .pending])
            #expect(export.csv() == #"""
                cell,status,run,optimizer.learningRate,seed,eval_loss,"exact, ""quoted"""
                cell-0,done,good,0.0001,0,1.25,
                cell-1,failed,bad,0.0002,1,nan,0
                cell-2,pending,,0.00030000000000000003,2,,

                """#)
            let json = try JSONSerialization.jsonObject(with: export.json()) as? [[String: Any]]
            #expect(json?.count == 3)
            #expect((json?[0]["metrics"] as? [String: Any])?["eval_loss"] as? Double == 1.25)
            #expect((json?[1]["metrics"] as? [String: Any])?["eval_loss"] is NSNull)
            #expect((json?[1]["axis_values"] as? [String: Any])?["seed"] as? Int == 1)
            #expect(throws: LineageError.unknownExperiment(name: "nope")) { try store.export(experiment: "nope") }
        }
    }

    @Test func exportTypesTheRecordedLabelsAsTheConfigurationHasThemAndWritesWholeNumbersAsIntegers() throws {
        try withTemporaryDirectory { directory in
            let store = try LineageStore(path: directory.appendingPathComponent("lineage.sqlite").path)
            // As plans record them: every axis value a label string; the configuration holds the typed values.
            let config = #"{"lora":{"rank":8,"targets":["q_proj","v_proj"]},"model":{"doubleQuantization":true,"name":"8"},"optimizer":{"learningRate":0.0002}}"#
            let labels = #"{"lora.rank":"8","lora.targets":"attention","model.doubleQuantization":"true","model.name":"8","optimizer.learningRate":"0.0002","tag":"16"}"#
            try store.recordExperiment(ExperimentRecord(name: "typed", description: "typed axes", specHash: "spec"),
                                       cells: [CellDefinition(id: "cell-0", config: config, axisValues: labels)])
            let run = try store.startRun(RunRecord(id: "r", cell: "cell-0"))
            try store.recordFinalMetrics(run: run, ["trainable_params": 2442240, "eval_loss": 1.5])
            try store.finishRun(id: run, status: .succeeded)

            let export = try store.export(experiment: "typed")
            #expect(export.rows[0].axisValues == [
                "lora.rank": .integer(8), "lora.targets": .string("attention"), "model.doubleQuantization": .bool(true),
                "model.name": .string("8"), "optimizer.learningRate": .number(0.0002), "tag": .integer(16),
            ])
            let json = try JSONSerialization.jsonObject(with: export.json()) as? [[String: Any]]
            let axes = json?[0]["axis_values"] as? [String: Any]
            #expect(axes?["lora.rank"] as? Int == 8)
            #expect(axes?["model.doubleQuantization"] as? Bool == true)
            #expect(axes?["model.name"] as? String == "8")
            #expect(export.csv().contains("cell-0,done,r,8,attention,true,8,0.0002,16,1.5,2442240\n"), "\(export.csv())")
        }
    }

    @Test func recordingAnExperimentTwiceIsIdempotentAndAConflictingCellIsRefused() throws {
        try withTemporaryDirectory { directory in
            let store = try LineageStore(path: directory.appendingPathComponent("lineage.sqlite").path)
            try recordGrid(store, cells: 3)
            let before = try dump(store)
            try recordGrid(store, cells: 3)
            #expect(try dump(store) == before)
            let conflicting = CellDefinition(id: "cell-0", config: #"{"different":true}"#, axisValues: "{}")
            #expect(throws: LineageError.self) {
                try store.recordExperiment(ExperimentRecord(name: "other", description: "", specHash: nil), cells: [conflicting])
            }
            #expect(try store.experiment(named: "other") == nil, "the failed recording left nothing behind")
            // The same configuration in a second experiment is the same cell, shared.
            let shared = CellDefinition(id: "cell-0", config: config(1e-4, seed: 0), axisValues: #"{"seed":0}"#)
            try store.recordExperiment(ExperimentRecord(name: "other", description: "", specHash: nil), cells: [shared])
            #expect(try store.cells(experiment: "other").map(\.cell) == ["cell-0"])
            #expect(try store.cells(idPrefix: "cell-").count == 3)
        }
    }

    @Test func judgmentsAndRatings() throws {
        try withTemporaryDirectory { directory in
            let store = try LineageStore(path: directory.appendingPathComponent("lineage.sqlite").path)
            let cells = try recordGrid(store, cells: 2)
            try store.recordJudgments([
                JudgmentRecord(tournament: "t1", prompt: "p1", cellA: cells[0], cellB: cells[1], presentationOrder: .ab, winner: .a, judge: "reference", rawOutput: "[[A]]"),
                JudgmentRecord(tournament: "t1", prompt: "p1", cellA: cells[0], cellB: cells[1], presentationOrder: .ba, winner: .failed, judge: "reference", rawOutput: "???"),
            ])
            try store.recordRatings([RatingRecord(tournament: "t1", cell: cells[0], method: "elo", rating: 1010, lower: 990, upper: 1030)])
            try store.recordRatings([
                RatingRecord(tournament: "t1", cell: cells[0], method: "elo", rating: 1020, lower: 1000, upper: 1040),
                RatingRecord(tournament: "t1", cell: cells[1], method: "elo", rating: 980, lower: nil, upper: nil),
            ])
            #expect(try store.judgments(tournament: "t1").map(\.winner) == [.a, .failed])
            #expect(try store.ratings(tournament: "t1").map(\.rating) == [1020, 980])
        }
    }
}
