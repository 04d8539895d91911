import Foundation
import Lineage
import Testing

/// `qlab plan` is a preview: it records neither overrides nor cells unless `--save` is given, so a look at a
/// changed grid leaves the finished one as it was.
struct PlanPreviewTests {
    private func runsFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("qlab-preview-runs-\(UUID().uuidString)").path
    }

    @Test func aPlanWithOverridesWritesNothingAndSaveRecordsThem() throws {
        let runs = runsFolder()
        defer { try? FileManager.default.removeItem(atPath: runs) }
        let preview = try CLI.run(["plan", "smoke", "--runs", runs, "--set", "steps=5"])
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(preview.stdout.contains("overrides: --set steps=5 (a preview, not recorded; --save or `qlab run` records them)"), "\(preview.stdout)")
        #expect(!FileManager.default.fileExists(atPath: runs + "/smoke/overrides.json"))
        let store = try LineageStore(path: runs + "/lineage.sqlite")
        #expect(try store.cells(experiment: "smoke").isEmpty, "a preview records no cells")
        #expect(try store.experiment(named: "smoke") == nil)

        let saved = try CLI.run(["plan", "smoke", "--runs", runs, "--set", "steps=5", "--save"])
        #expect(saved.status == 0, "\(saved.stderr)")
        #expect(saved.stdout.contains("(recorded in \(runs)/smoke/overrides.json)"), "\(saved.stdout)")
        #expect(FileManager.default.fileExists(atPath: runs + "/smoke/overrides.json"))
        #expect(try store.cells(experiment: "smoke").count == 4)

        // Cells recorded but never run hold no results: going back to the spec shows none of them as stale.
        let declared = try FinishedCells.statuses("smoke", runs: runs, arguments: ["--declared"])
        #expect(declared.count == 4 && declared.values.allSatisfy { $0 == "pending" }, "\(declared)")
        // --declared without --save is a preview too: the record stays until `--declared --save` (or `run --declared`).
        #expect(FileManager.default.fileExists(atPath: runs + "/smoke/overrides.json"))
        let forget = try CLI.run(["plan", "smoke", "--runs", runs, "--declared", "--save"])
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(!FileManager.default.fileExists(atPath: runs + "/smoke/overrides.json"))
    }

    @Test func previewingAChangedGridLeavesFinishedCellsDoneAndReportable() throws {
        let runs = runsFolder()
        let reports = runs + "-reports"
        defer {
            try? FileManager.default.removeItem(atPath: runs)
            try? FileManager.default.removeItem(atPath: reports)
        }
        let finished = try FinishedCells.make("smoke", runs: runs)
        #expect(finished.count == 4)
        #expect(try FinishedCells.statuses("smoke", runs: runs).values.allSatisfy { $0 == "done" })

        // The preview shows the finished cells as stale beside the changed grid's; it only shows them so.
        let preview = try FinishedCells.statuses("smoke", runs: runs, arguments: ["--set", "steps=5"])
        #expect(preview.filter { $0.value == "pending" }.count == 4)
        #expect(Set(preview.filter { $0.value == "stale" }.keys) == Set(finished.map(\.id)))
        let after = try FinishedCells.statuses("smoke", runs: runs)
        #expect(after == Dictionary(uniqueKeysWithValues: finished.map { ($0.id, "done") }), "no stale cells, no overrides: \(after)")
        let report = try CLI.run(["report", "smoke", "--runs", runs, "--out", reports + "/plain"])
        #expect(report.status == 0, "\(report.stderr)")

        // Recorded overrides name a grid without runs; --declared reports the spec as written.
        let saved = try CLI.run(["plan", "smoke", "--runs", runs, "--set", "steps=5", "--save"])
        #expect(saved.status == 0, "\(saved.stderr)")
        let overridden = try CLI.run(["report", "smoke", "--runs", runs, "--out", reports + "/overridden"])
        #expect(overridden.status != 0)
        let declared = try CLI.run(["report", "smoke", "--declared", "--runs", runs, "--out", reports + "/declared"])
        #expect(declared.status == 0, "\(declared.stderr)")
        #expect(declared.stdout.contains("4 cells"), "\(declared.stdout)")
    }

    @Test func aCellWhoseFolderWasRemovedIsMissingNotDone() throws {
        let runs = runsFolder()
        defer { try? FileManager.default.removeItem(atPath: runs) }
        let finished = try FinishedCells.make("smoke", runs: runs)
        #expect(try FinishedCells.statuses("smoke", runs: runs).values.allSatisfy { $0 == "done" })
        try FileManager.default.removeItem(atPath: finished[0].folder)
        let statuses = try FinishedCells.statuses("smoke", runs: runs)
        #expect(statuses[finished[0].id] == "missing", "\(statuses)")
        #expect(finished.dropFirst().allSatisfy { statuses[$0.id] == "done" })
        let table = try CLI.run(["plan", "smoke", "--runs", runs])
        #expect(table.stdout.contains("1 missing: run once, but their folders under \(runs)/smoke/ are gone"), "\(table.stdout)")
    }
}
