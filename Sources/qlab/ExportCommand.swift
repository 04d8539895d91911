import Support
import ArgumentParser
import Experiments
import Foundation
import Lineage

/// `qlab export NAME --csv|--json`: cells × final metrics.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export an experiment's cells and final metrics as CSV or JSON.")

    @Argument(help: "The experiment.") var name: String
    @Flag(help: "CSV (the default).") var csv = false
    @Flag(help: "JSON.") var json = false
    @OptionGroup var store: StoreOptions

    func validate() throws {
        // Two formats on one stream would be neither; saying so beats silently picking one.
        if csv && json { throw ValidationError("--csv and --json exclude each other; give one") }
    }

    func run() throws {
        let lineage = try LineageStore(path: store.runs + "/lineage.sqlite")
        guard try lineage.experiment(named: name) != nil else {
            throw ValidationError(Experiments.named(name) != nil
                ? "\(name) has no results in \(store.runs)/lineage.sqlite yet; run it first (`qlab run \(name)`)"
                : ExperimentNames.unknown(name, store: lineage))
        }
        let export = try lineage.export(experiment: name)
        if json {
            StandardOutput.write(try export.json() + Data("\n".utf8))
        } else {
            print(export.csv(), terminator: "")
        }
    }
}
