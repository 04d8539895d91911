import Foundation
import Lineage
import Testing

/// `qlab rm NAME [--cell ID] [--only AXIS=VALUE] [--dry-run]`: a grid's results leave the runs folder and the
/// store together, and nothing outside the experiment's cell folders is touched.
struct RemoveCommandTests {
    private func runsFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("qlab-rm-runs-\(UUID().uuidString)").path
    }

    /// Four finished smoke cells, ingested, with a tournament's judgments and ratings between them.
    private func finishedGrid(_ runs: String) throws -> (cells: [FinishedCells.Cell], store: LineageStore) {
        let cells = try FinishedCells.make("smoke", runs: runs)
        #expect(try FinishedCells.statuses("smoke", runs: runs).values.allSatisfy { $0 == "done" })
        let store = try LineageStore(path: runs + "/lineage.sqlite")
        var judgments: [JudgmentRecord] = []
        for a in cells { for b in cells where a.id < b.id {
            judgments.append(JudgmentRecord(tournament: "smoke", prompt: "1+1=", cellA: a.id, cellB: b.id, presentationOrder: .ab,
                                            winner: .tie, judge: "reference", rawOutput: "tie"))
        } }
        try store.recordJudgments(judgments)
        try store.recordRatings(cells.map { RatingRecord(tournament: "smoke", cell: $0.id, method: "elo", rating: 1000, lower: nil, upper: nil) })
        return (cells, store)
    }

    @Test func aDryRunListsAndRemovesNothingThenRmRemovesFoldersAndRowsTogether() throws {
        let runs = runsFolder()
        defer { try? FileManager.default.removeItem(atPath: runs) }
        let (cells, store) = try finishedGrid(runs)
        let rank8 = cells.filter { $0.axes["lora.rank"] == "8" }, rank16 = cells.filter { $0.axes["lora.rank"] == "16" }
        #expect(rank8.count == 2 && rank16.count == 2)

        let dry = try CLI.run(["rm", "smoke", "--only", "lora.rank=8", "--dry-run", "--runs", runs])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("smoke: would remove 2 cells (dry run: nothing is removed)"), "\(dry.stdout)")
        for c in rank8 { #expect(dry.stdout.contains("\(runs)/smoke/\(c.id)")) }
        for c in rank16 { #expect(!dry.stdout.contains(c.id)) }
        // 2 runs, each with 2 final metrics, 1 artifact, 1 input; the 5 judgments that name a rank-8 cell; 2 ratings.
        #expect(dry.stdout.contains("2 runs, 4 metrics, 2 artifacts, 2 inputs, 5 judgments, 2 ratings, 2 cell rows"), "\(dry.stdout)")
        for c in cells { #expect(FileManager.default.fileExists(atPath: c.folder + "/run.json")) }
        #expect(try store.runs(experiment: "smoke").count == 4 && store.judgments(tournament: "smoke").count == 6)

        let removed = try CLI.run(["rm", "smoke", "--only", "lora.rank=8", "--runs", runs])
        #expect(removed.status == 0, "\(removed.stderr)")
        for c in rank8 {
            #expect(!FileManager.default.fileExists(atPath: c.folder))
            #expect(try store.runs(cell: c.id).isEmpty)
            #expect(try store.cell(id: c.id) == nil)
        }
        for c in rank16 {
            #expect(FileManager.default.fileExists(atPath: c.folder + "/adapter/adapter_model.safetensors"))
            #expect(try store.runs(cell: c.id).count == 1)
        }
        #expect(try store.cells(experiment: "smoke").map(\.cell).sorted() == rank16.map(\.id).sorted())
        #expect(try store.judgments(tournament: "smoke").count == 1, "only the judgment between the two rank-16 cells stays")
        #expect(Set(try store.ratings(tournament: "smoke").map(\.cell)) == Set(rank16.map(\.id)))
        // The plan shows them pending again, neither done nor stale.
        let statuses = try FinishedCells.statuses("smoke", runs: runs)
        #expect(statuses.count == 4)
        for c in rank8 { #expect(statuses[c.id] == "pending") }
        for c in rank16 { #expect(statuses[c.id] == "done") }

        // One cell by a prefix of its id, then the rest of the grid.
        let one = try CLI.run(["rm", "smoke", "--cell", String(rank16[0].id.prefix(6)), "--runs", runs])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(!FileManager.default.fileExists(atPath: rank16[0].folder) && FileManager.default.fileExists(atPath: rank16[1].folder))
        let all = try CLI.run(["rm", "smoke", "--runs", runs])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(!FileManager.default.fileExists(atPath: rank16[1].folder))
        #expect(try store.runs(experiment: "smoke").isEmpty && store.experiment(named: "smoke") == nil)
        let nothing = try CLI.run(["rm", "smoke", "--runs", runs])
        #expect(nothing.status == 0 && nothing.stdout.contains("smoke: nothing to remove"), "\(nothing.stdout)")
    }

    @Test func linksAreNeverFollowedAndARefusalRemovesNothing() throws {
        let runs = runsFolder()
        let outside = runs + "-outside"
        defer {
            try? FileManager.default.removeItem(atPath: runs)
            try? FileManager.default.removeItem(atPath: outside)
        }
        let (cells, store) = try finishedGrid(runs)
        let fm = FileManager.default
        try fm.createDirectory(atPath: outside + "/keep", withIntermediateDirectories: true)
        try "precious".write(toFile: outside + "/keep/file.txt", atomically: true, encoding: .utf8)

        // A link inside a cell folder is removed as a link; what it points at stays.
        try fm.createSymbolicLink(atPath: cells[0].folder + "/adapter/elsewhere", withDestinationPath: outside + "/keep")
        let one = try CLI.run(["rm", "smoke", "--cell", cells[0].id, "--runs", runs])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(!fm.fileExists(atPath: cells[0].folder))
        #expect((try? String(contentsOfFile: outside + "/keep/file.txt", encoding: .utf8)) == "precious")

        // A cell folder that is itself a link is refused before anything is removed, from the disk or the store.
        try fm.moveItem(atPath: cells[1].folder, toPath: outside + "/moved")
        try fm.createSymbolicLink(atPath: cells[1].folder, withDestinationPath: outside + "/moved")
        let refused = try CLI.run(["rm", "smoke", "--runs", runs])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("\(cells[1].folder): is a symbolic link"), "\(refused.stderr)")
        #expect(fm.fileExists(atPath: outside + "/moved/run.json"))
        #expect(fm.fileExists(atPath: cells[2].folder + "/run.json") && fm.fileExists(atPath: cells[3].folder + "/run.json"))
        #expect(try store.runs(experiment: "smoke").count == 3)
    }

    @Test func selectionsThatMatchNothingAreCommandLineErrors() throws {
        let runs = runsFolder()
        defer { try? FileManager.default.removeItem(atPath: runs) }
        _ = try finishedGrid(runs)
        // (`rank` alone is the short name of lora.rank, as charts show it.)
        let axis = try CLI.run(["rm", "smoke", "--only", "rnak=8", "--runs", runs])
        #expect(axis.status == 64)
        #expect(axis.stderr.contains("smoke has no axis rnak; its axes: lora.rank, optimizer.learningRate"), "\(axis.stderr)")
        let value = try CLI.run(["rm", "smoke", "--only", "lora.rank=9", "--runs", runs])
        #expect(value.status == 64)
        #expect(value.stderr.contains("no cell has that value; its values: 16, 8"), "\(value.stderr)")
        let cell = try CLI.run(["rm", "smoke", "--cell", "zzz", "--runs", runs])
        #expect(cell.status == 64)
        #expect(cell.stderr.contains("--cell zzz: no cell of smoke"), "\(cell.stderr)")
        let name = try CLI.run(["rm", "smokey", "--runs", runs])
        #expect(name.status == 64)
        #expect(name.stderr.contains("no experiment named \"smokey\"") && name.stderr.contains("did you mean \"smoke\"?"), "\(name.stderr)")
        let path = try CLI.run(["rm", "../smoke", "--runs", runs])
        #expect(path.status == 64)
        #expect(try LineageStore(path: runs + "/lineage.sqlite").runs(experiment: "smoke").count == 4, "nothing was removed")
    }
}
