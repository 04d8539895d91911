import Support
import ArgumentParser
import ExperimentSpec
import Experiments
import Foundation
import Lineage
import Reports

/// `qlab report`: an experiment's Markdown report with gnuplot charts, from the lineage store.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write reports/NAME/README.md with charts from the lineage store.",
        discussion: """
            The page reads like a lab notebook: the spec's question, hypothesis and notes, then the results \
            (every cell, the top configurations with intervals over seeds and paired tests, loss curves, heat \
            maps, tournaments, throughput and memory), the spec's conclusion, and the lineage of every run with \
            the command that reruns it. Each chart's gnuplot script and data sit beside it in charts/. \
            Running the command again regenerates everything from the store.
            """
    )

    @Argument(help: "The experiment (see `qlab plan`).") var name: String
    @Option(parsing: .upToNextOption, help: "Other experiments to set beside it.") var compare: [String] = []
    @Option(help: "The report's folder (default: reports/NAME, or reports/NAME-vs-OTHER with --compare).") var out: String?
    @Option(name: .customLong("color-by"), help: "The axis colouring the loss curves, by its name or the short name charts show (rank for lora.rank) (default: the first).") var colorBy: String?
    @Option(help: "Smooth the training loss curves with a moving average over this many steps.") var smooth: Int = 0
    @Option(help: "The final metric that ranks the cells (default: eval_loss).") var metric: String?
    @Option(help: "How many configurations the top table lists.") var top: Int = 10
    @Option(parsing: .upToNextOption, help: "Tournament ids to chart (default: the one named after the experiment).") var tournament: [String] = []
    @Option(help: "More curves than this on one chart split it by another axis.") var maxCurves: Int = 8
    @Flag(help: "The experiment as declared, ignoring the overrides recorded by `qlab run --set/--axis` (as plan and run take it).")
    var declared = false
    @Option(help: "A lineage export (`qlab export NAME --lineage`) to report from instead of the store (default: the store; reports/lineage.jsonl.zip when the store does not hold the experiment).")
    var from: String?
    @Flag(help: "Print {\"folder\", \"readme\", \"cells\", \"charts\"} as JSON instead of the summary line.") var json = false
    @OptionGroup var store: StoreOptions

    func validate() throws {
        // The names become the default folder's name: a name from a crafted store must not lead outside reports/.
        for n in [name] + compare where !Experiment.isValidName(n) {
            throw ValidationError("\"\(n)\" is not an experiment name (lower-case letters, digits and dashes)")
        }
        if let out, out.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--out is empty; name the report's folder (a report replaces its whole folder)")
        }
        if smooth < 0 { throw ValidationError("--smooth must be 0 or more steps") }
        if top < 1 { throw ValidationError("--top must be at least 1") }
        if maxCurves < 1 { throw ValidationError("--max-curves must be at least 1") }
    }

    func run() throws {
        let folder = out ?? "reports/" + ([name] + compare).joined(separator: "-vs-")
        // Before any work: a folder that is not a report is refused, not replaced.
        try ReportFolder.checkReplaceable(URL(fileURLWithPath: folder))
        let storePath = URL(fileURLWithPath: store.runs).appendingPathComponent("lineage.sqlite").path
        let names = [name] + compare
        let source = try ReportSource(names: names, from: from, storePath: storePath, runs: store.runs)
        defer { source.close() }
        if let note = source.note { StandardError.write(Data("note: \(note)\n".utf8)) }
        let lineage = source.store
        for n in names { try ExperimentNames.check(n, store: lineage) }
        let results = try ExperimentResults.load(from: lineage, subject: try subject(name, runs: source.runs), tournamentIDs: tournament)
        // The short names the charts show (`rank`) stand for their axes (`lora.rank`).
        let colorAxis = try colorBy.map { try AxisShortName.resolve($0, among: results.axes, option: "--color-by") }
        let options = ReportOptions(colorAxis: colorAxis, smoothing: smooth, metric: metric, maxCurvesPerChart: maxCurves,
                                    topCount: top, tournaments: tournament, runsFolder: store.runs)
        let gnuplot = try Gnuplot(program: options.gnuplot)
        let others = try compare.map { try ExperimentResults.load(from: lineage, subject: try subject($0, runs: source.runs)) }
        let document: ReportDocument
        do {
            document = try ReportDocument(results: results, options: options, command: commandLine(), comparison: others)
        } catch let error as ReportError {
            // A metric or axis the experiment does not have is a bad command-line value (exit 64), like --only's.
            switch error {
            case .unknownMetric, .unknownAxis: throw ValidationError(error.description)
            default: throw error
            }
        }
        let warnings = try ReportWriter(gnuplot: gnuplot).write(document, to: URL(fileURLWithPath: folder))
        for w in warnings { StandardError.write(Data("gnuplot warning in \(w.script):\n\(w.warning)\n".utf8)) }
        if json {
            try JSONOutput.write(.object(["folder": .string(folder), "readme": .string(folder + "/README.md"),
                                          "cells": .integer(Int64(results.cells.count)), "charts": .integer(Int64(document.figures.count))]))
        } else {
            print("\(folder)/README.md: \(results.cells.count) cells, \(document.figures.count) charts")
        }
    }

    /// The spec's prose and axis order when the experiment is declared; the store alone otherwise.
    private func subject(_ name: String, runs: String) throws -> ReportSubject {
        if let experiment = Experiments.named(name) {
            // The grid last run: the overrides recorded by `qlab run --set/--axis` (or `plan --save`), if any.
            let overrides = try (declared ? nil : OverrideRecord(runs: runs, experiment: name).read()) ?? .none
            return try ReportSubject(experiment, overrides: overrides)
        }
        StandardError.write(Data("note: \(name) is not declared in Experiments/; reporting from the store without its prose\n".utf8))
        return ReportSubject(name: name)
    }

    /// The command as typed, for the report's footer (the tool's name rather than its build path).
    private func commandLine() -> String {
        (["qlab"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
    }
}

/// Where a report's rows come from: the store, or a lineage export read into a store of its own for the report.
struct ReportSource {
    /// The export `qlab report` reads when the store does not hold the experiment (committed with the pages).
    static let committedExport = "reports/lineage.jsonl.zip"

    /// The store the report reads.
    let store: LineageStore
    /// The runs folder whose override records the report reads (the store's, or the export's copy).
    let runs: String
    /// What to tell the user about the source, if it is not the store.
    let note: String?
    /// A folder to remove when done.
    private let temporary: URL?

    init(names: [String], from: String?, storePath: String, runs: String) throws {
        var export = from
        if let from {
            guard FileManager.default.fileExists(atPath: from) else { throw ValidationError("--from \(from): no such file") }
        } else {
            var holdsAll = false
            if FileManager.default.fileExists(atPath: storePath) {
                let existing = try LineageStore(path: storePath)
                holdsAll = try names.allSatisfy { try existing.experiment(named: $0) != nil }
            }
            if !holdsAll, FileManager.default.fileExists(atPath: Self.committedExport),
               Set(try LineageExportFile.experiments(at: Self.committedExport)).isSuperset(of: names) {
                export = Self.committedExport
            }
        }
        guard let export else {
            // Opening a store creates it; a report of a folder that holds none would only say "unknown experiment".
            guard FileManager.default.fileExists(atPath: storePath) else {
                throw ValidationError("no lineage store at \(storePath); run an experiment first (`qlab run \(names[0])`) or pass --runs")
            }
            store = try LineageStore(path: storePath)
            self.runs = runs
            note = nil
            temporary = nil
            return
        }
        let held = try LineageExportFile.experiments(at: export)
        if let missing = names.first(where: { !held.contains($0) }) {
            throw ValidationError("\(export) holds no \(missing) (it holds \(held.joined(separator: ", ")))")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-report-\(UUID().uuidString)")
        do {
            let text = try LineageExportFile.text(at: export)
            // The copy's path stands where the store's would, so paths in it read the same as in the original.
            store = try LineageStore(path: folder.appendingPathComponent("runs/lineage.sqlite").path)
            let contents = try store.importLineage(text, source: export)
            for (experiment, record) in contents.overrides {
                let path = OverrideRecord(runs: folder.appendingPathComponent("runs").path, experiment: experiment).path
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try AtomicFile.write(record, to: path)
            }
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        self.runs = folder.appendingPathComponent("runs").path
        note = "reporting from the lineage export \(export)" + (from == nil ? " (the store at \(storePath) does not hold \(names.joined(separator: ", ")))" : "")
        temporary = folder
    }

    /// Removes the export's temporary store.
    func close() {
        if let temporary { try? FileManager.default.removeItem(at: temporary) }
    }
}
