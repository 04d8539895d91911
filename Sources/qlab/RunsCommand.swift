import ArgumentParser
import Foundation
import Lineage

/// `qlab runs [NAME]`: every run in the store, newest last.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List the runs in the store (of one experiment, or all).")

    @Argument(help: "An experiment name.") var name: String?
    @Flag(help: "Print a JSON array of the runs (full ids, times in ISO 8601, null where unknown).") var json = false
    @OptionGroup var store: StoreOptions

    func run() throws {
        let lineage = try LineageStore(path: store.runs + "/lineage.sqlite")
        // A misspelt name would otherwise list no runs, as an experiment without any does.
        if let name { try ExperimentNames.check(name, store: lineage) }
        let runs = try lineage.runs(experiment: name)
        if json { return try JSONOutput.write(.array(runs.map(JSONOutput.run))) }
        let formatter = ISO8601DateFormatter()
        let rows = runs.map { r in
            [String(r.id.prefix(8)), r.cell, r.status.rawValue, formatter.string(from: r.started),
             r.ended.map { String(format: "%.0f s", $0.timeIntervalSince(r.started)) } ?? "-",
             r.parentRun.map { String($0.prefix(8)) } ?? "", String((r.gitCommit ?? "").prefix(8)) + (r.gitDirty == true ? "+" : "")]
        }
        print(TextTable.render(header: ["run", "cell", "status", "started", "took", "parent", "code"], rows: rows))
    }
}
