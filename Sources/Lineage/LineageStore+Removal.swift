import Foundation
import GRDB

/// Removing an experiment's results from the store, as `qlab rm` removes their folders.
extension LineageStore {
    /// Counts the rows `removeResults(experiment:cells:)` would delete, deleting nothing.
    public func resultsToRemove(experiment: String, cells: [String]) throws -> RemovalSummary {
        try perform("count the results of \(cells.count) cells of \(experiment)") {
            try pool.read { db in try Self.removal(db, experiment: experiment, cells: cells, runsFolder: runsFolder).summary }
        }
    }

    /// Deletes, in one transaction, the results of `cells` in `experiment`: their runs (with the runs' metrics,
    /// artifacts and inputs), the judgments that name a removed cell or run, the ratings of a removed cell, and
    /// the experiment's rows for the cells; the experiment's row goes with its last cell.
    ///
    /// A cell that another experiment's grid also holds shares its results with it (the id hashes the
    /// configuration only): there only the runs whose folder lies in this experiment's cell folder
    /// (`runs/EXPERIMENT/CELL/`, reruns below it) are removed, and the cell stays.
    @discardableResult
    public func removeResults(experiment: String, cells: [String]) throws -> RemovalSummary {
        try perform("remove the results of \(cells.count) cells of \(experiment)") {
            try pool.write { db in
                let removal = try Self.removal(db, experiment: experiment, cells: cells, runsFolder: runsFolder)
                // Judgments and ratings point at cells and runs without cascading: they go first.
                for id in removal.judgments { try db.execute(sql: "DELETE FROM judgments WHERE id = ?", arguments: [id]) }
                for cell in removal.ownedCells {
                    try db.execute(sql: "DELETE FROM ratings WHERE cell = ?", arguments: [cell])
                }
                // Metrics, artifacts and inputs cascade from their run.
                for run in removal.runs { try db.execute(sql: "DELETE FROM runs WHERE id = ?", arguments: [run]) }
                for cell in cells {
                    try db.execute(sql: "DELETE FROM experiment_cells WHERE experiment = ? AND cell = ?", arguments: [experiment, cell])
                }
                for cell in removal.ownedCells { try db.execute(sql: "DELETE FROM cells WHERE id = ?", arguments: [cell]) }
                let left = try Int.fetchOne(db, sql: "SELECT count(*) FROM experiment_cells WHERE experiment = ?", arguments: [experiment]) ?? 0
                if left == 0 { try db.execute(sql: "DELETE FROM experiments WHERE name = ?", arguments: [experiment]) }
                return removal.summary
            }
        }
    }

    /// The runs folder this store sits in (`runs/`): cell folders are `EXPERIMENT/CELL` below it.
    var runsFolder: String { (path as NSString).deletingLastPathComponent }

    private struct Removal {
        var runs: [String] = []
        /// Cells no other experiment holds: their rows go.
        var ownedCells: [String] = []
        var judgments: [Int64] = []
        var summary = RemovalSummary()
    }

    private static func removal(_ db: Database, experiment: String, cells: [String], runsFolder: String) throws -> Removal {
        var removal = Removal()
        let paths = ProjectPaths(root: URL(fileURLWithPath: runsFolder).deletingLastPathComponent())
        for cell in cells {
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM experiment_cells WHERE experiment = ? AND cell = ?",
                                    arguments: [experiment, cell]) == true else { continue }
            removal.summary.cells += 1
            let shared = try Bool.fetchOne(db, sql: "SELECT 1 FROM experiment_cells WHERE cell = ? AND experiment != ?",
                                           arguments: [cell, experiment]) == true
            let folder = paths.relative(runsFolder + "/" + experiment + "/" + cell) + "/"
            for run in try Self.runs(db, cell: cell) where !shared || run.logPath.map({ paths.kept($0).hasPrefix(folder) }) == true {
                removal.runs.append(run.id)
            }
            if !shared { removal.ownedCells.append(cell) }
        }
        let runIDs = Set(removal.runs), owned = Set(removal.ownedCells)
        for row in try Row.fetchAll(db, sql: "SELECT id, cell_a, run_a, cell_b, run_b FROM judgments") {
            let names: [String?] = [row["cell_a"], row["run_a"], row["cell_b"], row["run_b"]]
            let cellsNamed = [names[0], names[2]].compactMap { $0 }, runsNamed = [names[1], names[3]].compactMap { $0 }
            if cellsNamed.contains(where: owned.contains) || runsNamed.contains(where: runIDs.contains) { removal.judgments.append(row["id"]) }
        }
        for run in removal.runs {
            removal.summary.metrics += try Int.fetchOne(db, sql: "SELECT count(*) FROM metrics WHERE run = ?", arguments: [run]) ?? 0
            removal.summary.artifacts += try Int.fetchOne(db, sql: "SELECT count(*) FROM artifacts WHERE run = ?", arguments: [run]) ?? 0
            removal.summary.inputs += try Int.fetchOne(db, sql: "SELECT count(*) FROM inputs WHERE run = ?", arguments: [run]) ?? 0
        }
        for cell in removal.ownedCells {
            removal.summary.ratings += try Int.fetchOne(db, sql: "SELECT count(*) FROM ratings WHERE cell = ?", arguments: [cell]) ?? 0
        }
        removal.summary.runs = removal.runs.count
        removal.summary.judgments = removal.judgments.count
        return removal
    }
}
