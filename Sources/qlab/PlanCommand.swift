import Support
import ArgumentParser
import ExperimentSpec
import Experiments
import Foundation
import Lineage
import Runner

/// `qlab plan`: the cells of an experiment, their ids and axis values.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "List an experiment's cells: id, status and axis values.",
        discussion: """
            Without NAME, lists the experiments. A cell's id hashes its canonical configuration together with \
            the content hashes of the model and data files it reads. Statuses come from the run store \
            (runs/lineage.sqlite); until one exists every cell is pending. A plan is a preview: it records \
            nothing (neither --set/--axis overrides nor the cells) unless --save is given; `qlab run` records both.
            """
    )

    @Argument(help: "The experiment's name (see `qlab plan` for the list).")
    var name: String?

    @Flag(help: "Print a JSON array of {\"id\", \"status\", \"config\", \"axes\"} objects.")
    var json = false

    @Option(parsing: .upToNextOption, help: "Only cells with these axis values (AXIS=VALUE, repeatable), as `qlab run` takes them.")
    var only: [String] = []

    @Flag(help: "Record the overrides (runs/NAME/overrides.json; with --declared, forget them) and the cells, as `qlab run` does.")
    var save = false

    @OptionGroup var store: StoreOptions
    @OptionGroup(title: "Overrides") var overrideOptions: OverrideOptions

    func run() throws {
        guard let name else {
            listExperiments()
            return
        }
        var filters = try onlyFilters(only)
        let experiment = try experimentNamed(name)
        if save { try store.requireProject(toCreate: "plan --save") }
        let (overrides, overrideNote) = try overrideOptions.resolve(experiment: name, runs: store.runs, recording: save)
        // A preview writes nothing: where no runs folder exists yet every cell is pending anyway, so the plan reads
        // a throwaway store instead of starting one (outside the project, that would be a second project).
        let throwaway = save || FileManager.default.fileExists(atPath: store.runs) ? nil
            : FileManager.default.temporaryDirectory.appendingPathComponent("qlab-plan-\(UUID().uuidString)").path
        defer { if let throwaway { try? FileManager.default.removeItem(atPath: throwaway) } }
        let runner: GridRunner
        let cells: [PlannedCell]
        do {
            runner = try GridRunner(experiment: experiment, runsRoot: throwaway ?? store.runs, overrides: overrides)
            // The same filtering as `qlab run`: the plan checks the axes and compares the values.
            if !filters.isEmpty { filters = try AxisShortName.resolve(filters, among: try experiment.axisNames(overrides: overrides)) }
            cells = try runner.plan(only: filters, requireInputs: false, record: save)
        } catch let error as ExperimentError {
            throw PlanError(experiment: name, reason: error.description)
        } catch let error as OverrideError {
            throw overrideOptions.failure(error, experiment: name, runs: store.runs)
        } catch RunnerError.badFilter(let text) {
            throw ValidationError("--only \(text)")
        }
        if save { try overrideOptions.recordGiven(overrides, experiment: name, runs: store.runs) }
        // Stale cells are those of the whole grid that the spec no longer makes: listed only when it is all shown.
        let stale = filters.isEmpty ? try runner.staleCells(current: cells) : []
        let notes = runner.unhashedInputs.keys.sorted().map { "input \($0): not hashed (\(runner.unhashedInputs[$0]!)); ids cannot see its content" }

        if json {
            var lines: [String] = []
            for c in cells {
                let object: CanonicalJSON.Value = .object([
                    "id": .string(c.entry.cell),
                    "status": .string(c.status.rawValue),
                    "config": try JSONTreeEncoder().encode(c.entry.config),
                    "axes": .array(c.entry.axes.map { .object(["name": .string($0.name), "value": .string($0.value)]) }),
                ])
                lines.append(CanonicalJSON.write(object))
            }
            for id in stale {
                lines.append(CanonicalJSON.write(.object(["id": .string(id), "status": .string("stale"), "config": .null, "axes": .array([])])))
            }
            print("[\n" + lines.joined(separator: ",\n") + "\n]")
            let messages = (overrideNote.map { [$0] } ?? []) + notes
            if !messages.isEmpty { StandardError.write(Data((messages.joined(separator: "\n") + "\n").utf8)) }
            return
        }

        let axes = try experiment.axisNames(overrides: overrides)
        print("\(experiment.name): \(cells.count) cell\(cells.count == 1 ? "" : "s")")
        if let description = experiment.prose.description { print(description) }
        if let overrideNote { print(overrideNote) }
        print("")
        var table = cells.map { c in [c.entry.cell, c.status.rawValue] + axes.map { a in c.entry.axes.first { $0.name == a }?.value ?? "-" } }
        table += stale.map { [$0, "stale"] + axes.map { _ in "" } }
        print(TextTable.render(header: ["id", "status"] + axes, rows: table))
        let counts = Dictionary(grouping: cells, by: \.status).mapValues(\.count)
        print("")
        print(CellStatus.allCases.compactMap { s in counts[s].map { "\($0) \(s.rawValue)" } }.joined(separator: ", ")
              + (stale.isEmpty ? "" : ", \(stale.count) stale (in the store, no longer in the spec)"))
        if let missing = counts[.missing] {
            print("\(missing) missing: run once, but their folders under \(store.runs)/\(name)/ are gone; `qlab run \(name)` makes them again")
        }
        for line in notes { print(line) }
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
