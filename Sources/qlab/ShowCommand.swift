import Support
import ArgumentParser
import Foundation
import Lineage
import Models
import Reports

/// `qlab show CELL`: a cell's configuration, runs, metrics and artifacts from the store; `qlab show --model PATH`:
/// a model's family, block and shape.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a cell (configuration, runs, final metrics, artifacts) or a model (--model).")

    @Argument(help: "The cell id (or a unique prefix).") var cell: String?
    @Option(help: "Show this model instead: a short name, a GGUF file or a checkpoint directory (its family, block and shape).")
    var model: String?
    @Flag(help: "Print the cell as one JSON object: id, status, config, and its runs with metrics, artifacts and inputs.") var json = false
    @OptionGroup var store: StoreOptions

    func validate() throws {
        if (cell == nil) == (model == nil) { throw ValidationError("give a cell id or --model, not both or neither") }
    }

    func run() throws {
        if let model { return try showModel(model) }
        guard let cell else { return }
        let lineage = try LineageStore(path: store.runs + "/lineage.sqlite")
        let found = try CellPrefix.resolve(cell, in: lineage, runs: store.runs)
        if json { return try printJSON(found, lineage: lineage) }
        print("cell \(found.id) — \(try lineage.cellStatus(id: found.id).rawValue)")
        print("config:")
        for line in ConfigTree.lines(try JSONValue.parse(found.config, what: "the configuration of cell \(found.id)"), indent: "  ") {
            print(line)
        }
        for run in try lineage.runs(cell: found.id) {
            print("")
            print("run \(run.id): \(run.status.rawValue)\(run.exitReason.map { " (\($0))" } ?? "")")
            print("  started \(run.started)\(run.ended.map { ", ended \($0)" } ?? ""), \(run.executor) on \(run.hostname ?? "?"), "
                  + "\(run.threads ?? 0) thread(s) \(run.blasCore ?? "?"), seed \(run.seed.map(String.init) ?? "?")")
            print("  code \(run.gitCommit ?? "unknown")\(run.gitDirty == true ? " (with uncommitted changes)" : "")"
                  + (run.parentRun.map { ", continues/repeats \($0)" } ?? ""))
            let metrics = try lineage.finalMetrics(run: run.id)
            if !metrics.isEmpty {
                // One per line, aligned, to four significant digits as reports show them (--json has every digit).
                print("  metrics:")
                let width = metrics.keys.map(\.count).max() ?? 0
                for key in metrics.keys.sorted() {
                    print("    " + key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + NumberFormat.short(metrics[key]!))
                }
            }
            for a in try lineage.artifacts(run: run.id) { print("  \(a.kind.rawValue) \(lineage.paths.kept(a.path)) sha256 \(a.sha256.prefix(16))…") }
            for i in try lineage.inputs(run: run.id) { print("  input \(i.role.rawValue) \(lineage.paths.kept(i.path)) sha256 \(i.sha256.prefix(16))…") }
        }
    }

    private func showModel(_ name: String) throws {
        let description = try ModelDescription(try ModelLocation.resolve(name))
        if json {
            return try JSONOutput.write(.object(Dictionary(uniqueKeysWithValues: description.lines.map { ($0.0, JSONValue.string($0.1)) })))
        }
        let width = description.lines.map(\.0.count).max() ?? 0
        for (label, value) in description.lines { print(label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
    }

    private func printJSON(_ cell: CellRecord, lineage: LineageStore) throws {
        var runs: [JSONValue] = []
        for run in try lineage.runs(cell: cell.id) {
            guard case var .object(object) = JSONOutput.run(run) else { continue }
            object["metrics"] = JSONOutput.metrics(try lineage.finalMetrics(run: run.id))
            object["artifacts"] = .array(try lineage.artifacts(run: run.id).map { (a: ArtifactRecord) -> JSONValue in
                .object(["kind": .string(a.kind.rawValue), "path": .string(lineage.paths.kept(a.path)), "sha256": .string(a.sha256)])
            })
            object["inputs"] = .array(try lineage.inputs(run: run.id).map { (i: InputRecord) -> JSONValue in
                .object(["role": .string(i.role.rawValue), "path": .string(lineage.paths.kept(i.path)), "sha256": .string(i.sha256)])
            })
            runs.append(.object(object))
        }
        try JSONOutput.write(.object([
            "id": .string(cell.id), "status": .string(try lineage.cellStatus(id: cell.id).rawValue),
            "config": try JSONValue.parse(cell.config, what: "the configuration of cell \(cell.id)"), "runs": .array(runs),
        ]))
    }
}
