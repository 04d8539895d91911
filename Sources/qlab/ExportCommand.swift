import Support
import ArgumentParser
import Experiments
import Foundation
import Lineage

/// `qlab export NAME --csv|--json`: cells × final metrics; `qlab export NAME… --lineage`: the store's rows.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export an experiment's cells and final metrics as CSV or JSON, or experiments' lineage rows as JSON lines.",
        discussion: """
            --lineage writes every row the store holds for the experiments (cells, runs, per-step and final metrics, \
            inputs with their hashes, judgments, ratings, and the overrides the grid was last run with), without the \
            artifacts, one JSON object per line. `qlab report NAME --from FILE` reports from such a file, and \
            `qlab report NAME` does by itself from reports/lineage.jsonl.zip when the store does not hold NAME: a fresh \
            clone regenerates the committed pages from it. `qlab import FILE` adds the rows to a store.
            """
    )

    @Argument(help: "The experiment (several with --lineage).") var names: [String]
    @Flag(help: "CSV (the default).") var csv = false
    @Flag(help: "JSON.") var json = false
    @Flag(help: "The experiments' lineage rows as JSON lines (see below).") var lineage = false
    @Option(help: "Write to this file (atomically) instead of standard output; a lineage export to a name ending in .zip is zipped.") var out: String?
    @OptionGroup var store: StoreOptions

    func validate() throws {
        // Two formats on one stream would be neither; saying so beats silently picking one.
        if [csv, json, lineage].filter({ $0 }).count > 1 { throw ValidationError("--csv, --json and --lineage exclude each other; give one") }
        if names.isEmpty { throw ValidationError("name the experiment to export") }
        if names.count > 1 && !lineage { throw ValidationError("--csv and --json export one experiment; --lineage takes several") }
        if let out, out.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--out is empty; name the file") }
    }

    func run() throws {
        let storePath = store.runs + "/lineage.sqlite"
        guard FileManager.default.fileExists(atPath: storePath) else {
            throw ValidationError("no lineage store at \(storePath); run an experiment first (`qlab run \(names[0])`) or pass --runs")
        }
        let lineageStore = try LineageStore(path: storePath)
        for name in names where try lineageStore.experiment(named: name) == nil {
            throw ValidationError(Experiments.named(name) != nil
                ? "\(name) has no results in \(storePath) yet; run it first (`qlab run \(name)`)"
                : ExperimentNames.unknown(name, store: lineageStore))
        }
        let bytes: Data
        if lineage {
            var overrides: [String: String] = [:]
            for name in names {
                let record = OverrideRecord(runs: store.runs, experiment: name)
                guard let data = FileManager.default.contents(atPath: record.path) else { continue }
                _ = try record.read()  // a record that does not parse is an error here, not in a reader's report
                overrides[name] = String(decoding: data, as: UTF8.self)
            }
            bytes = Data(try lineageStore.exportLineage(experiments: names, overrides: overrides).utf8)
        } else {
            let export = try lineageStore.export(experiment: names[0])
            bytes = json ? try export.json() + Data("\n".utf8) : Data(export.csv().utf8)
        }
        if let out {
            if lineage {
                try LineageExportFile.write(String(decoding: bytes, as: UTF8.self), to: out)
            } else {
                try AtomicFile.write(Array(bytes), to: out)
            }
            if lineage { StandardError.write(Data("\(out): lineage of \(names.joined(separator: ", "))\n".utf8)) }
        } else {
            StandardOutput.write(bytes)
        }
    }
}
