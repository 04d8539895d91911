import Foundation
import Lineage
@testable import Runner
import Testing
@testable import qlab

/// `--json` on every command that prints results: one JSON document on stdout, typed values, the same exit status.
struct JSONFlagTests {
    private func runsFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("qlab-json-\(UUID().uuidString)").path
    }

    private func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    private func array(_ text: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "\(text)")
    }

    @Test func runsShowLineageReportAndExportPrintJSON() throws {
        let runs = runsFolder()
        defer { try? FileManager.default.removeItem(atPath: runs) }
        let cells = try FinishedCells.make("smoke", runs: runs)
        #expect(try FinishedCells.statuses("smoke", runs: runs).values.allSatisfy { $0 == "done" })
        let cell = cells[0]

        let listed = try CLI.run(["runs", "smoke", "--json", "--runs", runs])
        #expect(listed.status == 0, "\(listed.stderr)")
        let runRows = try array(listed.stdout)
        #expect(Set(runRows.compactMap { $0["cell"] as? String }) == Set(cells.map(\.id)))
        #expect(runRows.allSatisfy { $0["status"] as? String == "succeeded" && $0["seconds"] as? Double == 60 && $0["threads"] as? Int == 1 })

        let shown = try CLI.run(["show", String(cell.id.prefix(10)), "--json", "--runs", runs])
        #expect(shown.status == 0, "\(shown.stderr)")
        let show = try object(shown.stdout)
        #expect(show["id"] as? String == cell.id && show["status"] as? String == "done")
        #expect(((show["config"] as? [String: Any])?["lora"] as? [String: Any])?["rank"] as? Int == Int(cell.axes["lora.rank"]!))
        let showRun = try #require((show["runs"] as? [[String: Any]])?.first, "\(show)")
        #expect((showRun["metrics"] as? [String: Any])?["steps"] as? Int == 40)
        #expect((showRun["artifacts"] as? [[String: Any]])?.first?["kind"] as? String == "adapter")
        #expect((showRun["inputs"] as? [[String: Any]])?.first?["role"] as? String == "base-model")

        // Every made cell's adapter has the same recorded hash: the prefix finds all four.
        let traced = try CLI.run(["lineage", String(repeating: "c", count: 12), "--json", "--runs", runs])
        #expect(traced.status == 0, "\(traced.stderr)")
        let lineage = try array(traced.stdout)
        #expect(Set(lineage.compactMap { ($0["cell"] as? [String: Any])?["id"] as? String }) == Set(cells.map(\.id)), "\(traced.stdout)")
        #expect(lineage.allSatisfy { $0["experiments"] as? [String] == ["smoke"] })
        #expect(lineage.allSatisfy { ($0["run"] as? [String: Any])?["hostname"] as? String == "elsewhere" })
        #expect(lineage.allSatisfy { ($0["artifact"] as? [String: Any])?["kind"] as? String == "adapter" })

        let out = runs + "/report"
        let reported = try CLI.run(["report", "smoke", "--out", out, "--json", "--runs", runs])
        #expect(reported.status == 0, "\(reported.stderr)")
        let report = try object(reported.stdout)
        #expect(report["folder"] as? String == out && report["cells"] as? Int == 4)
        #expect((report["charts"] as? Int ?? 0) > 0, "\(report)")
        #expect(FileManager.default.fileExists(atPath: out + "/README.md"))

        // Axis values typed as the configuration has them; whole-number metrics as integers in the CSV.
        let exported = try CLI.run(["export", "smoke", "--json", "--runs", runs])
        #expect(exported.status == 0, "\(exported.stderr)")
        let rows = try array(exported.stdout)
        let axes = try #require(rows.first?["axis_values"] as? [String: Any])
        #expect(axes["lora.rank"] is Int && axes["optimizer.learningRate"] is Double, "\(axes)")
        #expect(!(axes["lora.rank"] is String) && !(axes["optimizer.learningRate"] is String), "\(axes)")
        let csv = try CLI.run(["export", "smoke", "--runs", runs])
        #expect(csv.status == 0 && csv.stdout.contains(",40\n") && !csv.stdout.contains("40.0"), "\(csv.stdout)")
        let both = try CLI.run(["export", "smoke", "--csv", "--json", "--runs", runs])
        #expect(both.status == 64 && both.stderr.contains("--csv, --json and --lineage exclude each other"), "\(both.stderr)")
        let two = try CLI.run(["export", "smoke", "multi-turn", "--json", "--runs", runs])
        #expect(two.status == 64 && two.stderr.contains("--lineage takes several"), "\(two.stderr)")

        // Without --json the human output is unchanged.
        let plain = try CLI.run(["runs", "smoke", "--runs", runs])
        #expect(plain.stdout.hasPrefix("run "), "\(plain.stdout)")
    }

    /// `qlab run --json`: the summary names the cells by outcome; progress and notes stay off stdout.
    @Test func runPrintsAJSONSummary() throws {
        let runs = runsFolder()
        defer { try? FileManager.default.removeItem(atPath: runs) }
        // smoke's ids hash its data: the generated tasks, prepared beside the runs folder.
        let (data, environment) = try FinishedCells.smokeData(beside: runs)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let cells = try FinishedCells.make("smoke", runs: runs, environment: environment)
        #expect(try FinishedCells.statuses("smoke", runs: runs, environment: environment).values.allSatisfy { $0 == "done" })
        // A tournament already rated: an unchanged grid does not run it again.
        let store = try LineageStore(path: runs + "/lineage.sqlite")
        try store.recordRatings(cells.map { RatingRecord(tournament: "smoke", cell: $0.id, method: "elo", rating: 1000, lower: nil, upper: nil) })

        let result = try CLI.run(["run", "smoke", "--json", "--runs", runs], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try object(result.stdout)
        #expect(summary["experiment"] as? String == "smoke")
        #expect(Set(summary["skipped"] as? [String] ?? []) == Set(cells.map(\.id)), "\(summary)")
        #expect((summary["succeeded"] as? [String])?.isEmpty == true && (summary["failed"] as? [Any])?.isEmpty == true)
        #expect((summary["interrupted"] as? [String])?.isEmpty == true)
        #expect(summary["stopped_by"] is NSNull)
    }

    /// `qlab rerun --json`: the bit-for-bit verdict as a boolean beside the largest relative difference.
    @Test func theRerunVerdictIsABooleanAndANumber() throws {
        var verdict = GridRunner.Reproduction(parent: "p", run: "r", differingMetrics: ["eval_loss"], adapterIdentical: true)
        verdict.kernel = "Haswell"; verdict.parentKernel = "Haswell"; verdict.threads = 1; verdict.parentThreads = 2
        verdict.largestRelativeDifference = 2.5e-5
        let text = try JSONEncoder().encode(RerunCommand.json(verdict, cell: "c"))
        let object = try self.object(String(decoding: text, as: UTF8.self))
        #expect(object["reproduced"] as? Bool == false)
        #expect(object["largest_relative_difference"] as? Double == 2.5e-5)
        #expect(object["same_kernel"] as? Bool == false && object["agrees_within_tolerance"] as? Bool == true)
        #expect(object["differing_metrics"] as? [String] == ["eval_loss"] && object["parent_threads"] as? Int == 2)
        let same = GridRunner.Reproduction(parent: "p", run: "r", differingMetrics: [], adapterIdentical: true)
        let reproduced = try self.object(String(decoding: try JSONEncoder().encode(RerunCommand.json(same, cell: "c")), as: UTF8.self))
        #expect(reproduced["reproduced"] as? Bool == true && reproduced["largest_relative_difference"] as? Double == 0)
    }
}
