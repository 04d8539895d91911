import ArgumentParser
import Foundation
import Lineage

/// `qlab ingest DIR…`: (re)build store rows from cell directories, e.g. ones written on other machines.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read cell directories (or experiment directories of them) into the store; ingesting twice changes nothing."
    )

    @Argument(help: "Cell directories (with run.json) or experiment directories.") var directories: [String]
    @OptionGroup var store: StoreOptions

    func run() throws {
        try store.requireProject(toCreate: "ingest")
        let lineage = try LineageStore(path: store.runs + "/lineage.sqlite")
        var count = 0
        for d in directories {
            let url = URL(fileURLWithPath: d)
            if FileManager.default.fileExists(atPath: d + "/run.json") {
                let s = try lineage.ingest(directory: url)
                print("\(d): run \(s.run) of cell \(s.cell), \(s.steps) steps, \(s.finalMetrics) metrics, \(s.artifacts) artifacts")
                count += 1
            } else {
                for s in try lineage.ingest(experimentDirectory: url) {
                    print("\(s.experiment)/\(s.cell): run \(s.run), \(s.steps) steps, \(s.finalMetrics) metrics")
                    count += 1
                }
            }
        }
        print("ingested \(count) cell director\(count == 1 ? "y" : "ies") into \(store.runs)/lineage.sqlite")
    }
}
