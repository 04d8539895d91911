import ArgumentParser
import Foundation
import Lineage
import Support

/// `qlab import FILE`: the rows of a lineage export into the store.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add the rows of a lineage export (`qlab export NAME --lineage`) to the store; importing twice changes nothing.",
        discussion: """
            Rows the store holds already must be identical: a run, cell or metric that differs fails the whole \
            import, naming the line. The overrides a grid was last run with come along where the store has none.
            """
    )

    @Argument(help: "The export file.") var file: String
    @OptionGroup var store: StoreOptions

    func run() throws {
        let text = try LineageExportFile.text(at: file)
        try store.requireProject(toCreate: "import")
        let lineage = try LineageStore(path: store.runs + "/lineage.sqlite")
        let contents = try lineage.importLineage(text, source: file)
        for (experiment, record) in contents.overrides.sorted(by: { $0.key < $1.key }) {
            let path = OverrideRecord(runs: store.runs, experiment: experiment).path
            if let own = FileManager.default.contents(atPath: path) {
                if own != Data(record.utf8) { StandardError.write(Data("note: \(path) is kept; the export's overrides for \(experiment) differ\n".utf8)) }
                continue
            }
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(record, to: path)
        }
        let added = contents.inserted.values.reduce(0, +), present = contents.present.values.reduce(0, +)
        print("\(file): \(contents.experiments.joined(separator: ", ")): \(added) rows added, \(present) already in \(store.runs)/lineage.sqlite")
    }
}
