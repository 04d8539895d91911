import Support
import ArgumentParser
import Experiments
import Foundation
import Lineage
import Runner

/// `qlab rm NAME`: removes a grid's results, or some cells', from the runs folder and the store together.
struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Remove an experiment's results: its cell folders under runs/NAME/ and their rows in the store.",
        discussion: """
            Every cell of NAME, or those --cell and --only select, loses its folder runs/NAME/CELL (reruns \
            included) and, in runs/lineage.sqlite, its runs with their metrics, artifacts and inputs, the tournament \
            judgments and ratings that name it, and its row in the grid; `qlab plan` then shows it pending. \
            --dry-run lists what would go. Only folders of plain names directly under runs/NAME/ are removed, never \
            through a symbolic link, and never a cell a worker is running. The spec and the overrides recorded \
            in runs/NAME/overrides.json stay.
            """
    )

    @Argument(help: "The experiment.") var name: String
    @Option(name: .customLong("cell"), help: ArgumentHelp("Only this cell (an id or a unique prefix; repeatable).", valueName: "ID"))
    var cells: [String] = []
    @Option(parsing: .upToNextOption, help: "Only cells with these axis values (AXIS=VALUE, repeatable), as `qlab run` takes them.")
    var only: [String] = []
    @Flag(name: .customLong("dry-run"), help: "List what would be removed, and remove nothing.") var dryRun = false
    @OptionGroup var store: StoreOptions

    /// A cell of the experiment: in the store, on disk, or both.
    struct Target {
        var id: String
        var axes: [String: String]
    }

    func run() throws {
        guard CellDirectory.isPlainName(name) else { throw ValidationError("\"\(name)\" is not an experiment name (letters, digits, - and _)") }
        let storePath = store.runs + "/lineage.sqlite"
        // Opening a store creates one: a folder without one has nothing in a store to remove.
        let lineage = FileManager.default.fileExists(atPath: storePath) ? try LineageStore(path: storePath) : nil
        var targets: [Target] = []
        for record in try lineage?.cells(experiment: name) ?? [] {
            targets.append(Target(id: record.cell, axes: Self.axes(record.axisValues)))
        }
        // Folders a worker wrote that never reached the store (a store rebuilt, a folder copied in).
        for folder in (try? FileManager.default.contentsOfDirectory(atPath: store.runs + "/" + name)) ?? []
            where !targets.contains(where: { $0.id == folder }) && CellDirectory.isPlainName(folder) {
            let directory = CellDirectory(url: URL(fileURLWithPath: store.runs + "/" + name + "/" + folder))
            guard let run = try? directory.readRun() else { continue }
            targets.append(Target(id: folder, axes: run.axisValues.mapValues(\.plainText)))
        }
        let recorded = try lineage?.experiment(named: name) != nil
        guard !targets.isEmpty || recorded || Experiments.named(name) != nil else {
            throw ValidationError(ExperimentNames.unknown(name, store: lineage))
        }
        let chosen = try select(from: targets)
        guard !chosen.isEmpty else {
            print("\(name): nothing to remove in \(store.runs)")
            return
        }
        // Every folder is checked before anything is removed: one refusal removes nothing.
        var folders: [String: CellDirectory] = [:]
        for target in chosen {
            folders[target.id] = try CellDirectory.removable(runsRoot: store.runs, experiment: name, cell: target.id)
        }
        let rows = try lineage?.resultsToRemove(experiment: name, cells: chosen.map(\.id)) ?? RemovalSummary()
        print("\(name): \(dryRun ? "would remove" : "removing") \(chosen.count) cell\(chosen.count == 1 ? "" : "s")\(dryRun ? " (dry run: nothing is removed)" : "")")
        var rowsOut: [[String]] = []
        for target in chosen {
            let folder = folders[target.id]
            rowsOut.append([folder == nil ? "\(target.id) (no folder)" : "\(store.runs)/\(name)/\(target.id)",
                            folder.map { Self.bytes($0.size()) } ?? "-",
                            target.axes.keys.sorted().map { "\($0)=\(target.axes[$0]!)" }.joined(separator: " ")])
        }
        print(TextTable.render(header: ["folder", "size", "axes"], rows: rowsOut, rightAligned: [1]))
        print("store \(storePath): \(rows.description)")
        guard !dryRun else { return }
        // The store first: a removal that fails there leaves every folder, and a folder removal cut short leaves no
        // run.json that the next plan would ingest again.
        _ = try lineage?.removeResults(experiment: name, cells: chosen.map(\.id))
        for target in chosen { try folders[target.id]?.removeTree() }
        print("\(name): removed \(chosen.count) cell\(chosen.count == 1 ? "" : "s"); `qlab plan \(name)` lists \(chosen.count == 1 ? "it" : "them") as pending")
    }

    /// The targets `--cell` and `--only` select (all without them); a selector that matches nothing is an error
    /// that lists what there is.
    private func select(from targets: [Target]) throws -> [Target] {
        var chosen = targets
        if !cells.isEmpty {
            var ids: Set<String> = []
            for prefix in cells {
                let matches = targets.filter { $0.id.hasPrefix(prefix) }
                guard matches.count == 1 else {
                    throw ValidationError(matches.isEmpty
                        ? "--cell \(prefix): no cell of \(name) in \(store.runs) starts so; its cells: \(targets.map(\.id).joined(separator: ", "))"
                        : "--cell \(prefix) matches \(matches.count) cells of \(name): \(matches.map(\.id).joined(separator: ", ")); give more digits")
                }
                ids.insert(matches[0].id)
            }
            chosen = chosen.filter { ids.contains($0.id) }
        }
        let axisNames = Set(targets.flatMap(\.axes.keys)).sorted()
        for (axis, value) in try AxisShortName.resolve(try onlyFilters(only), among: axisNames) {
            guard axisNames.contains(axis) else {
                throw ValidationError("--only \(axis)=\(value): \(name) has no axis \(axis); its axes: \(axisNames.joined(separator: ", "))")
            }
            let values = targets.compactMap { $0.axes[axis] }
            guard values.contains(where: { GridRunner.sameValue($0, value) }) else {
                throw ValidationError("--only \(axis)=\(value): no cell has that value; its values: \(Array(Set(values)).sorted().joined(separator: ", "))")
            }
            chosen = chosen.filter { $0.axes[axis].map { GridRunner.sameValue($0, value) } ?? false }
        }
        return chosen
    }

    /// Axis values as the store keeps them (a JSON object), as text.
    static func axes(_ text: String) -> [String: String] {
        guard case .object(let object)? = try? JSONValue.parse(text, what: "axis values") else { return [:] }
        return object.mapValues(\.plainText)
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count), unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(count) B" : String(format: "%.1f", value) + " " + units[unit]
    }
}
