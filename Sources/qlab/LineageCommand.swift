import Support
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
    @Flag(help: "Print a JSON array: per artifact, its run, cell (with its configuration), experiments, inputs and parent runs.") var json = false
    @OptionGroup var store: StoreOptions

    func run() throws {
        let lineage = try LineageStore(path: store.runs + "/lineage.sqlite")
        let found = try lineage.lineage(of: artifact, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        guard !found.isEmpty else { throw ValidationError("no artifact \(artifact) in \(store.runs)/lineage.sqlite") }
        if json { return try printJSON(found, lineage: lineage) }
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

    private func printJSON(_ found: [ArtifactLineage], lineage: LineageStore) throws {
        try JSONOutput.write(.array(try found.map { l -> JSONValue in
            .object([
                "artifact": .object(["kind": .string(l.artifact.kind.rawValue), "path": .string(lineage.paths.kept(l.artifact.path)),
                                     "sha256": .string(l.artifact.sha256), "bytes": .integer(l.artifact.bytes)]),
                "run": JSONOutput.run(l.run),
                "cell": .object(["id": .string(l.cell.id), "config": try JSONValue.parse(l.cell.config, what: "the configuration of cell \(l.cell.id)")]),
                "experiments": .array(l.experiments.map(JSONValue.string)),
                "inputs": .array(l.inputs.map { i -> JSONValue in
                    .object(["role": .string(i.role.rawValue), "path": .string(lineage.paths.kept(i.path)), "sha256": .string(i.sha256)])
                }),
                "parents": .array(l.parents.map(JSONOutput.run)),
            ])
        }))
    }
}
