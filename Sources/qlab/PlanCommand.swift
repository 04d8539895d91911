import ArgumentParser
import ExperimentSpec
import Experiments
import Foundation

/// `qlab plan`: the cells of an experiment, their ids and axis values.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "List an experiment's cells: id, status and axis values.",
        discussion: """
            Without NAME, lists the experiments. A cell's id hashes its canonical configuration together with \
            the content hashes of the model and data files it reads. Statuses come from the run store \
            (runs/lineage.sqlite); until one exists every cell is pending.
            """
    )

    @Argument(help: "The experiment's name (see `qlab plan` for the list).")
    var name: String?

    @Flag(help: "Print a JSON array of {\"id\", \"status\", \"config\", \"axes\"} objects.")
    var json = false

    /// Where the run store will live; this build only checks whether it exists.
    static let storePath = "runs/lineage.sqlite"

    func run() throws {
        guard let name else {
            listExperiments()
            return
        }
        guard let experiment = Experiments.named(name) else {
            throw ValidationError("no experiment named \"\(name)\"; known: \(Experiments.all.map(\.name).joined(separator: ", "))")
        }
        let cells: [Cell]
        do { cells = try experiment.cells() } catch let error as ExperimentError {
            throw PlanError(experiment: name, reason: error.description)
        }
        let inputs = InputHashes(cells: cells)
        let storeExists = FileManager.default.fileExists(atPath: Self.storePath)
        // Without a store nothing has run, so pending is the truth; with one, this build cannot read it yet.
        let status = storeExists ? "unknown" : "pending"
        let note = storeExists
            ? "\(Self.storePath) exists but this build cannot read the store yet: statuses are unknown"
            : "no run store (\(Self.storePath)) exists yet: every cell is pending"

        var rows: [(identity: CellIdentity, cell: Cell)] = []
        for cell in cells { rows.append((try cell.identity(inputHashes: inputs.hashes), cell)) }

        if json {
            var lines: [String] = []
            for (identity, cell) in rows {
                let object: CanonicalJSON.Value = .object([
                    "id": .string(identity.id),
                    "status": .string(status),
                    "config": try JSONTreeEncoder().encode(cell.config),
                    "axes": .array(cell.axisValues.map { .object(["name": .string($0.name), "value": .string($0.value)]) }),
                ])
                lines.append(CanonicalJSON.write(object))
            }
            print("[\n" + lines.joined(separator: ",\n") + "\n]")
            FileHandle.standardError.write(Data((["note: \(note)"] + unhashedNotes(inputs)).joined(separator: "\n").utf8 + [10]))
            return
        }

        let axes = try experiment.axisNames()
        print("\(experiment.name): \(cells.count) cell\(cells.count == 1 ? "" : "s")")
        if let description = experiment.prose.description { print(description) }
        print("")
        let table = rows.map { identity, cell in [identity.id, status] + axes.map { cell[axis: $0] ?? "-" } }
        print(TextTable.render(header: ["id", "status"] + axes, rows: table))
        print("")
        print("note: \(note)")
        for name in inputs.hashes.keys.sorted() { print("input \(name): sha256 \(inputs.hashes[name]!.prefix(16))…") }
        for line in unhashedNotes(inputs) { print(line) }
    }

    private func unhashedNotes(_ inputs: InputHashes) -> [String] {
        inputs.unhashed.keys.sorted().map { "input \($0): not hashed (\(inputs.unhashed[$0]!)); ids cannot see its content" }
    }

    private func listExperiments() {
        let rows = Experiments.all.map { experiment in
            // A broken spec still appears in the list; `qlab plan NAME` shows its error.
            [experiment.name, (try? experiment.cells().count).map(String.init) ?? "error", experiment.prose.question ?? ""]
        }
        print(TextTable.render(header: ["experiment", "cells", "question"], rows: rows, rightAligned: [1]))
    }
}

/// An experiment whose declarations contradict each other.
struct PlanError: Error, CustomStringConvertible {
    let experiment: String
    let reason: String
    var description: String { "experiment \(experiment): \(reason)" }
}
