import ArgumentParser
import Foundation
import Lineage

/// `qlab lineage PATH|HASH`: where an artifact came from.
struct LineageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lineage",
        abstract: "Where did this file come from: its run, configuration, data, base model, code version and parent runs."
    )

    @Argument(help: "An artifact's path, or a prefix (8+ hex digits) of its SHA-256.") var artifact: String
    @OptionGroup var store: StoreOptions

    func run() throws {
        let lineage = try LineageStore(path: store.runs + "/lineage.sqlite")
        let found = try lineage.lineage(of: artifact, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        guard !found.isEmpty else { throw ValidationError("no artifact \(artifact) in \(store.runs)/lineage.sqlite") }
        for l in found {
            print("\(l.artifact.kind.rawValue) \(lineage.paths.kept(l.artifact.path)) (sha256 \(l.artifact.sha256))")
            print("  made by run \(l.run.id) (\(l.run.status.rawValue)) of cell \(l.cell.id) in \(l.experiments.joined(separator: ", "))")
            print("  code \(l.run.gitCommit ?? "unknown")\(l.run.gitDirty == true ? " with uncommitted changes" : ""), "
                  + "\(l.run.threads ?? 0) BLAS thread(s) \(l.run.blasCore ?? "?"), seed \(l.run.seed.map(String.init) ?? "?") on \(l.run.hostname ?? "?")")
            for i in l.inputs { print("  \(i.role.rawValue): \(lineage.paths.kept(i.path)) sha256 \(i.sha256)") }
            print("  config: \(l.cell.config)")
            for p in l.parents { print("  parent run \(p.id) (\(p.status.rawValue)), started \(p.started)") }
        }
    }
}
