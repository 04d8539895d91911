import ExperimentSpec
import Foundation
import Lineage

/// Everything a report shows about one experiment, read from the store in one go.
public struct ExperimentResults: Sendable {
    /// The axis `Seeds(n)` declares; intervals and paired tests run over it.
    public static let seedAxis = "seed"

    /// The experiment, its prose and axis order.
    public var subject: ReportSubject
    /// The axes in spec order, then any others the store knows.
    public var axes: [String]
    /// The cells in the order the spec declares them (first axis slowest).
    public var cells: [CellResult]
    /// The tournaments found, by id, each with its ratings (best first) and judgments.
    public var tournaments: [TournamentResults]
    /// Cells recorded for the experiment that its spec no longer declares, left out of `cells`.
    public var leftOutCells: Int = 0

    /// The axes other than the seed.
    public var configurationAxes: [String] { axes.filter { $0 != Self.seedAxis } }

    /// The final metric names any cell recorded, sorted.
    public var metricNames: [String] { Set(cells.flatMap(\.metrics.keys)).sorted() }

    /// Cells that have a run (pending cells have nothing to plot).
    public var ranCells: [CellResult] { cells.filter { $0.run != nil } }

    /// A results value from its parts (tests build them directly; reports read them with `load`).
    public init(subject: ReportSubject, axes: [String], cells: [CellResult], tournaments: [TournamentResults]) {
        self.subject = subject
        self.axes = axes
        self.cells = cells
        self.tournaments = tournaments
    }

    /// Reads `subject`'s experiment from `store`; `tournamentIDs` empty looks for one named after the experiment.
    public static func load(from store: LineageStore, subject: ReportSubject, tournamentIDs: [String] = []) throws -> ExperimentResults {
        guard try store.experiment(named: subject.name) != nil else { throw ReportError.unknownExperiment(name: subject.name) }
        let export = try store.export(experiment: subject.name)
        let axes = subject.axes + export.axisNames.filter { !subject.axes.contains($0) }
        var cells: [CellResult] = []
        var leftOut = 0
        for row in export.rows {
            let config = try store.cell(id: row.cell)?.config ?? "{}"
            if let declared = subject.configurations {
                // A cell planned by an older version of the spec (another setting, a value since removed) is not part
                // of the experiment as it stands: its pending or finished run would be read as one of today's cells.
                let decoded = try? JSONDecoder().decode(TrainingConfig.self, from: Data(config.utf8))
                guard let decoded, declared.contains(decoded) else {
                    leftOut += 1
                    continue
                }
            }
            let run = try row.run.flatMap { try store.run(id: $0) }
            var series: [String: MetricSeries] = [:]
            if let run {
                for s in try store.metricSeries(run: run.id) { series[s.name] = s }
            }
            cells.append(CellResult(
                cell: row.cell, status: row.status, axisValues: row.axisValues.mapValues(\.plainText), run: run,
                metrics: row.metrics, series: series, inputs: try run.map { try Self.inputs(of: $0, in: store) } ?? [],
                config: config))
        }
        guard cells.contains(where: { $0.run != nil }) else { throw ReportError.nothingToReport(experiment: subject.name) }
        cells = gridOrder(cells, axes: axes, subject: subject)
        var tournaments: [TournamentResults] = []
        let cellIDs = Set(cells.map(\.cell))
        for id in tournamentIDs.isEmpty ? [subject.name] : tournamentIDs {
            // The cells of this report, and the untrained base where the tournament included it.
            let ratings = try store.ratings(tournament: id).filter { cellIDs.contains($0.cell) || BaseContestant.isBase($0.cell) }
            let judgments = try store.judgments(tournament: id)
            if ratings.isEmpty && judgments.isEmpty { continue }
            tournaments.append(TournamentResults(id: id, ratings: ratings, judgments: judgments))
        }
        var results = ExperimentResults(subject: subject, axes: axes, cells: cells, tournaments: tournaments)
        results.leftOutCells = leftOut
        return results
    }

    /// Sorts cells by the position of their values on each axis, first axis slowest, as the spec's grid runs.
    /// A run's inputs with their paths relative to the project root, also for rows written with absolute paths.
    static func inputs(of run: RunRecord, in store: LineageStore) throws -> [InputRecord] {
        try store.inputs(run: run.id).map { input in
            var input = input
            input.path = store.paths.kept(input.path)
            return input
        }
    }

    static func gridOrder(_ cells: [CellResult], axes: [String], subject: ReportSubject) -> [CellResult] {
        // The order each axis's values first appear in recording order stands for the spec's value order.
        var firstSeen: [String: [String]] = [:]
        for cell in cells {
            for axis in axes {
                if let v = cell.axisValues[axis], !(firstSeen[axis]?.contains(v) ?? false) { firstSeen[axis, default: []].append(v) }
            }
        }
        func key(_ cell: CellResult) -> [Int] {
            axes.map { axis in cell.axisValues[axis].flatMap { firstSeen[axis]?.firstIndex(of: $0) } ?? Int.max }
        }
        return cells.enumerated().sorted { l, r in
            let a = key(l.element), b = key(r.element)
            return a == b ? l.offset < r.offset : a.lexicographicallyPrecedes(b)
        }.map(\.element)
    }

    /// The label of a cell's configuration: `axis=value` for each configuration axis.
    public func label(of cell: CellResult, axes shown: [String]? = nil) -> String {
        let names = shown ?? configurationAxes
        if names.isEmpty { return String(cell.cell.prefix(12)) }
        return names.map { "\(shortName(of: $0))=\(cell.axisValues[$0] ?? "–")" }.joined(separator: " ")
    }

    /// The last component of a dotted axis name, unless another axis ends the same way.
    public func shortName(of axis: String) -> String {
        let short = axis.split(separator: ".").last.map(String.init) ?? axis
        let clashes = axes.filter { ($0.split(separator: ".").last.map(String.init) ?? $0) == short }.count > 1
        return clashes ? axis : short
    }

    /// The distinct values of `axis` in grid order.
    public func values(of axis: String) -> [String] {
        var seen: [String] = []
        for cell in cells { if let v = cell.axisValues[axis], !seen.contains(v) { seen.append(v) } }
        return seen
    }

    /// The cells grouped by their configuration axes (seeds pooled), in grid order.
    public func configurations() -> [Configuration] {
        var groups: [Configuration] = []
        for cell in cells {
            let key = configurationAxes.map { cell.axisValues[$0] ?? "" }
            if let i = groups.firstIndex(where: { $0.key == key }) {
                groups[i].cells.append(cell)
            } else {
                groups.append(Configuration(key: key, cells: [cell]))
            }
        }
        return groups
    }
}
