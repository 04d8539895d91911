import Foundation
import GRDB
import Testing
@testable import Lineage

/// `qlab export --lineage` / `qlab import`: the rows of some experiments as text, read back into an equal store.
@Suite struct LineageExportTests {
    /// Two experiments sharing nothing, one with runs, step and final metrics (a NaN and an infinity among them),
    /// inputs, judgments and ratings; artifacts too, which an export leaves out.
    static func filledStore(_ directory: URL) throws -> LineageStore {
        let store = try LineageStore(path: directory.appendingPathComponent("runs/lineage.sqlite").path)
        let cells = try recordGrid(store, name: "learning-rate", cells: 3)
        try store.recordExperiment(ExperimentRecord(name: "other", description: "unrelated", specHash: nil),
                                   cells: [CellDefinition(id: "cell-x", config: config(3e-4, seed: 9), axisValues: "{}")])
        for (i, cell) in cells.enumerated() {
            let run = try store.startRun(RunRecord(id: "run-\(i)", cell: cell, gitCommit: "abc", gitDirty: false, blasCore: "Zen", threads: 1, seed: UInt64(i)))
            try store.appendMetrics(run: run, (1...5).map { MetricPoint(step: $0, name: "loss", value: 3.0 / Double($0) + 0.1 * Double(i)) })
            try store.appendMetrics(run: run, [MetricPoint(step: 2, name: "grad_norm", value: i == 1 ? .infinity : 0.25),
                                               MetricPoint(step: 3, name: "grad_norm", value: .nan)])
            try store.recordFinalMetrics(run: run, ["eval_loss": 2.0 + 1.0 / 3.0 * Double(i), "steps": 5])
            try store.recordInputs([InputRecord(run: run, role: .baseModel, path: "models/base.gguf", sha256: String(repeating: "a", count: 64))])
            try store.recordArtifacts([ArtifactRecord(path: directory.appendingPathComponent("runs/x/\(i)/adapter").path, kind: .adapter,
                                                      sha256: String(repeating: "c", count: 64), bytes: 10, run: run)])
            try store.finishRun(id: run, status: .succeeded, ended: Date(timeIntervalSince1970: 1_800_000_000 + Double(i)))
        }
        _ = try store.startRun(RunRecord(id: "run-x", cell: "cell-x"))
        try store.recordJudgments([
            JudgmentRecord(tournament: "learning-rate", prompt: "p1", cellA: cells[0], cellB: cells[1], presentationOrder: .ab, winner: .a, judge: "ref", rawOutput: "A\n\"quoted\" ✓"),
            JudgmentRecord(tournament: "learning-rate", prompt: "p1", cellA: cells[1], cellB: cells[2], presentationOrder: .ba, winner: .tie, judge: "ref", rawOutput: ""),
        ])
        try store.recordRatings(cells.enumerated().map { RatingRecord(tournament: "learning-rate", cell: $1, method: "elo", rating: 1000 + Double($0), lower: $0 == 0 ? nil : 990, upper: 1010.5) })
        return store
    }

    /// The rows of `experiment`'s cells, every table but artifacts, in recorded order: what a report reads.
    static func rows(_ store: LineageStore) throws -> [String] {
        try dump(store).filter { !$0.hasPrefix("artifacts:") && !$0.hasPrefix("grdb_migrations:") }
    }

    @Test func anExportReadIntoAnEmptyStoreGivesBackItsRowsAndExportsTheSameText() throws {
        try withTemporaryDirectory { directory in
            let store = try Self.filledStore(directory)
            let text = try store.exportLineage(experiments: ["learning-rate"], overrides: ["learning-rate": "{\n  \"set\" : []\n}"])
            let lines = text.split(separator: "\n")
            #expect(lines.first == #"{"experiments":["learning-rate"],"format":"qlab-lineage-export","version":1}"#)
            // The other experiment's cell and run, and every artifact, stay out.
            #expect(!text.contains("cell-x") && !text.contains("run-x") && !text.contains("artifacts") && !text.contains("\"other\""))
            #expect(lines.filter { $0.contains(#""table":"metrics""#) }.count == 3 * (5 + 2 + 2))
            #expect(text.contains(#"{"real":"inf"}"#))

            let copy = try LineageStore(path: directory.appendingPathComponent("copy/runs/lineage.sqlite").path)
            let contents = try copy.importLineage(text, source: "export.jsonl")
            #expect(contents.experiments == ["learning-rate"])
            #expect(contents.overrides == ["learning-rate": "{\n  \"set\" : []\n}"])
            #expect(contents.inserted["runs"] == 3 && contents.inserted["judgments"] == 2 && contents.inserted["ratings"] == 3)
            #expect(try copy.exportLineage(experiments: ["learning-rate"], overrides: contents.overrides) == text)
            // Row for row what the original holds of the experiment (NaN as NULL, the infinity, dates, order).
            let original = try Self.rows(store).filter { !$0.contains("cell-x") && !$0.contains("run-x") && !$0.contains("unrelated") }
            #expect(try Self.rows(copy) == original)
            let infinity = try copy.pool.read { try Double.fetchOne($0, sql: "SELECT value FROM metrics WHERE run = 'run-1' AND name = 'grad_norm' AND step = 2") }
            #expect(infinity == .infinity)
            let third = try copy.pool.read { try Double.fetchOne($0, sql: "SELECT value FROM metrics WHERE run = 'run-1' AND step IS NULL AND name = 'eval_loss'") }
            #expect(third == 2.0 + 1.0 / 3.0)
            // Cells and judgments come back in the order they were recorded, which reports list them in.
            #expect(try copy.cells(experiment: "learning-rate").map(\.cell) == ["cell-0", "cell-1", "cell-2"])

            // Importing again adds nothing and fails nothing.
            let again = try copy.importLineage(text, source: "export.jsonl")
            #expect(again.inserted.isEmpty && again.present["metrics"] == 27)
        }
    }

    /// Two stores number their judgments from 1; exports of both land in one store, each judgment once, in the
    /// order it was made, and a second import adds nothing.
    @Test func judgmentsFromTwoStoresLandTogetherAndInOrder() throws {
        try withTemporaryDirectory { directory in
            let first = try Self.filledStore(directory.appendingPathComponent("a"))
            let second = try LineageStore(path: directory.appendingPathComponent("b/runs/lineage.sqlite").path)
            let cells = ["zh-0", "zh-1"]
            try second.recordExperiment(ExperimentRecord(name: "chinese", description: "another store", specHash: nil),
                                        cells: cells.enumerated().map { CellDefinition(id: $1, config: config(1e-3, seed: $0), axisValues: "{}") })
            try second.recordJudgments([
                JudgmentRecord(tournament: "chinese", prompt: "q1", cellA: cells[0], cellB: cells[1], presentationOrder: .ab, winner: .b, judge: "ref", rawOutput: "B"),
                JudgmentRecord(tournament: "chinese", prompt: "q1", cellA: cells[0], cellB: cells[1], presentationOrder: .ba, winner: .a, judge: "ref", rawOutput: "A"),
                JudgmentRecord(tournament: "chinese", prompt: "q0", cellA: cells[1], cellB: cells[0], presentationOrder: .ab, winner: .tie, judge: "ref", rawOutput: "T"),
            ])
            let a = try first.exportLineage(experiments: ["learning-rate"]), b = try second.exportLineage(experiments: ["chinese"])
            let both = try LineageStore(path: directory.appendingPathComponent("both/runs/lineage.sqlite").path)
            try both.importLineage(a, source: "a.jsonl")
            let landed = try both.importLineage(b, source: "b.jsonl")
            #expect(landed.inserted["judgments"] == 3)
            let order = try both.pool.read { try String.fetchAll($0, sql: "SELECT raw_output FROM judgments WHERE tournament = 'chinese' ORDER BY id") }
            #expect(order == ["B", "A", "T"])
            #expect(try both.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM judgments") } == 5)
            let again = try both.importLineage(b, source: "b.jsonl")
            #expect(again.inserted.isEmpty && again.present["judgments"] == 3)
            // A judgment recorded differently under the same identity is still refused.
            let changed = b.replacingOccurrences(of: #""raw_output":"T""#, with: #""raw_output":"U""#)
            #expect(throws: LineageError.self) { try both.importLineage(changed, source: "changed.jsonl") }
        }
    }

    @Test func aRowThatDiffersFromTheStoresIsRefusedNamingItsLineAndNothingLands() throws {
        try withTemporaryDirectory { directory in
            let store = try Self.filledStore(directory)
            let text = try store.exportLineage(experiments: ["learning-rate"])
            var lines = text.split(separator: "\n").map(String.init)
            let index = try #require(lines.firstIndex { $0.contains(#""table":"runs""#) && $0.contains("run-1") })
            lines[index] = lines[index].replacingOccurrences(of: #""blas_core":"Zen""#, with: #""blas_core":"Haswell""#)
            let changed = lines.joined(separator: "\n") + "\n"
            // Into the store it came from: run-1 is there with another kernel.
            #expect(throws: LineageError.malformedFile(path: "changed.jsonl", line: index + 1,
                                                       message: "the store already holds this runs row (id run-1) with other values")) {
                try store.importLineage(changed, source: "changed.jsonl")
            }
            // Into an empty store the first bad line rolls back every row before it.
            let empty = try LineageStore(path: directory.appendingPathComponent("empty/lineage.sqlite").path)
            let broken = text.replacingOccurrences(of: #""table":"ratings""#, with: #""table":"artifacts""#)
            #expect(throws: LineageError.self) { try empty.importLineage(broken, source: "broken.jsonl") }
            #expect(try Self.rows(empty).isEmpty)
        }
    }

    @Test(arguments: [
        ("", 1, "empty"),
        ("{\"format\":\"something\"}\n", 1, "not a lineage export"),
        ("{\"experiments\":[],\"format\":\"qlab-lineage-export\",\"version\":2}\n", 1, "export version 2"),
        ("{\"experiments\":[\"e\"],\"format\":\"qlab-lineage-export\",\"version\":1}\nnot json\n", 2, "not an export row"),
        ("{\"experiments\":[\"e\"],\"format\":\"qlab-lineage-export\",\"version\":1}\n{\"table\":\"runs\",\"row\":{\"id\":\"r\",\"colour\":\"red\"}}\n", 2, "no column \"colour\""),
        ("{\"experiments\":[\"e\"],\"format\":\"qlab-lineage-export\",\"version\":1}\n{\"table\":\"cells\",\"row\":{\"config\":\"{}\",\"created\":\"2026-01-01 00:00:00.000\",\"id\":\"c\"}}\n{\"table\":\"experiments\",\"row\":{\"name\":\"e\"}}\n", 3, "experiments rows after cells rows"),
        ("{\"experiments\":[\"e\"],\"format\":\"qlab-lineage-export\",\"version\":1}\n{\"table\":\"runs\",\"row\":{\"id\":\"r\"}}\n", 2, "runs row rejected by the store"),
        ("{\"experiments\":[\"e\"],\"format\":\"qlab-lineage-export\",\"version\":1}\n{\"table\":\"cells\",\"row\":{\"id\":[1]}}\n", 2, "cells.id holds [1]"),
    ])
    func malformedExportsAreRefusedWithTheLine(text: String, line: Int, message: String) throws {
        try withTemporaryDirectory { directory in
            let store = try LineageStore(path: directory.appendingPathComponent("lineage.sqlite").path)
            do {
                try store.importLineage(text, source: "bad.jsonl")
                Issue.record("accepted: \(text)")
            } catch let LineageError.malformedFile(path, l, m) {
                #expect(path == "bad.jsonl" && l == line && m.contains(message), "\(l ?? -1): \(m)")
            }
        }
    }
}
