import Support
import Foundation
import GRDB

extension LineageStore {
    /// All experiments, by name.
    public func experiments() throws -> [ExperimentRecord] {
        try perform("list experiments") {
            try pool.read { try ExperimentRecord.fetchAll($0, sql: "SELECT * FROM experiments ORDER BY name") }
        }
    }

    /// The experiment with this name, if recorded.
    public func experiment(named name: String) throws -> ExperimentRecord? {
        try perform("read experiment \(name)") {
            try pool.read { try ExperimentRecord.fetchOne($0, key: name) }
        }
    }

    /// The cell with this id, if recorded.
    public func cell(id: String) throws -> CellRecord? {
        try perform("read cell \(id)") {
            try pool.read { try CellRecord.fetchOne($0, key: id) }
        }
    }

    /// Cells whose id starts with `prefix` (people type short hashes).
    public func cells(idPrefix prefix: String) throws -> [CellRecord] {
        try perform("find cells starting with \(prefix)") {
            try pool.read { db in
                try CellRecord.fetchAll(db, sql: "SELECT * FROM cells WHERE substr(id, 1, ?) = ? ORDER BY id", arguments: [prefix.count, prefix])
            }
        }
    }

    /// An experiment's cells with their axis values, in the order they were recorded.
    public func cells(experiment: String) throws -> [ExperimentCellRecord] {
        try perform("list cells of experiment \(experiment)") {
            try pool.read { db in
                try ExperimentCellRecord.fetchAll(db, sql: "SELECT * FROM experiment_cells WHERE experiment = ? ORDER BY rowid", arguments: [experiment])
            }
        }
    }

    /// The run with this id, if recorded.
    public func run(id: String) throws -> RunRecord? {
        try perform("read run \(id)") {
            try pool.read { try RunRecord.fetchOne($0, key: id) }
        }
    }

    /// A cell's runs, oldest first.
    public func runs(cell: String) throws -> [RunRecord] {
        try perform("list runs of cell \(cell)") {
            try pool.read { try Self.runs($0, cell: cell) }
        }
    }

    /// The runs of an experiment's cells (of every experiment when nil), oldest first.
    public func runs(experiment: String? = nil) throws -> [RunRecord] {
        try perform("list runs of \(experiment ?? "all experiments")") {
            try pool.read { db in
                if let experiment {
                    return try RunRecord.fetchAll(db, sql: """
                        SELECT runs.* FROM runs JOIN experiment_cells ON experiment_cells.cell = runs.cell
                        WHERE experiment_cells.experiment = ? ORDER BY runs.started, runs.rowid
                        """, arguments: [experiment])
                }
                return try RunRecord.fetchAll(db, sql: "SELECT * FROM runs ORDER BY started, rowid")
            }
        }
    }

    static func runs(_ db: Database, cell: String) throws -> [RunRecord] {
        try RunRecord.fetchAll(db, sql: "SELECT * FROM runs WHERE cell = ? ORDER BY started, rowid", arguments: [cell])
    }

    /// A cell's status by the rules of `CellStatus` (pending when it has no run, or is unknown).
    public func cellStatus(id: String) throws -> CellStatus {
        try CellStatus(runStatusesOldestFirst: runs(cell: id).map(\.status))
    }

    /// The status of each cell of an experiment, by cell id.
    public func cellStatuses(experiment: String) throws -> [String: CellStatus] {
        try perform("read cell statuses of \(experiment)") {
            try pool.read { db in
                var statuses: [String: [RunStatus]] = [:]
                for cell in try String.fetchAll(db, sql: "SELECT cell FROM experiment_cells WHERE experiment = ?", arguments: [experiment]) {
                    statuses[cell] = []
                }
                let rows = try Row.fetchAll(db, sql: """
                    SELECT runs.cell, runs.status FROM runs JOIN experiment_cells ON experiment_cells.cell = runs.cell
                    WHERE experiment_cells.experiment = ? ORDER BY runs.started, runs.rowid
                    """, arguments: [experiment])
                for row in rows {
                    let text: String = row["status"]
                    guard let status = RunStatus(rawValue: text) else {
                        throw LineageError.invalidValue(field: "runs.status", value: text, reason: "not a run status")
                    }
                    statuses[row["cell"], default: []].append(status)
                }
                return statuses.mapValues { CellStatus(runStatusesOldestFirst: $0) }
            }
        }
    }

    /// The status of each of `cells` from its runs, whichever experiment recorded them (pending without a run).
    public func cellStatuses(cells: [String]) throws -> [String: CellStatus] {
        try perform("read the statuses of \(cells.count) cells") {
            try pool.read { db in
                // One pass over the runs rather than one query a cell: a grid of 10,000 cells is planned at once.
                var runStatuses: [String: [RunStatus]] = Dictionary(uniqueKeysWithValues: cells.map { ($0, []) })
                let rows = try Row.fetchCursor(db, sql: "SELECT cell, status FROM runs ORDER BY started, rowid")
                while let row = try rows.next() {
                    let cell: String = row["cell"]
                    guard runStatuses[cell] != nil else { continue }
                    let text: String = row["status"]
                    guard let status = RunStatus(rawValue: text) else {
                        throw LineageError.invalidValue(field: "runs.status", value: text, reason: "not a run status")
                    }
                    runStatuses[cell]!.append(status)
                }
                return runStatuses.mapValues { CellStatus(runStatusesOldestFirst: $0) }
            }
        }
    }

    /// A run's per-step metrics, one series per name, sorted by name.
    public func metricSeries(run: String) throws -> [MetricSeries] {
        try perform("read metric series of run \(run)") {
            try pool.read { db in
                var series: [MetricSeries] = []
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT name, step, value FROM metrics WHERE run = ? AND step IS NOT NULL ORDER BY name, step
                    """, arguments: [run])
                while let row = try rows.next() {
                    let name: String = row["name"]
                    let value: Double? = row["value"]
                    if series.last?.name != name { series.append(MetricSeries(name: name, steps: [], values: [])) }
                    series[series.count - 1].steps.append(row["step"])
                    series[series.count - 1].values.append(value ?? .nan)
                }
                return series
            }
        }
    }

    /// A run's final metrics (step NULL), by name.
    public func finalMetrics(run: String) throws -> [String: Double] {
        try perform("read final metrics of run \(run)") {
            try pool.read { try Self.finalMetrics($0, run: run) }
        }
    }

    static func finalMetrics(_ db: Database, run: String) throws -> [String: Double] {
        var metrics: [String: Double] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, value FROM metrics WHERE run = ? AND step IS NULL", arguments: [run]) {
            let value: Double? = row["value"]
            metrics[row["name"]] = value ?? .nan
        }
        return metrics
    }

    /// The number of metric rows of a run (per-step and final).
    public func metricCount(run: String) throws -> Int {
        try perform("count metrics of run \(run)") {
            try pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM metrics WHERE run = ?", arguments: [run]) ?? 0 }
        }
    }

    /// The files a run produced, by path.
    public func artifacts(run: String) throws -> [ArtifactRecord] {
        try perform("list artifacts of run \(run)") {
            try pool.read { try ArtifactRecord.fetchAll($0, sql: "SELECT * FROM artifacts WHERE run = ? ORDER BY path", arguments: [run]) }
        }
    }

    /// The files a run read, by role and path.
    public func inputs(run: String) throws -> [InputRecord] {
        try perform("list inputs of run \(run)") {
            try pool.read { try Self.inputs($0, run: run) }
        }
    }

    static func inputs(_ db: Database, run: String) throws -> [InputRecord] {
        try InputRecord.fetchAll(db, sql: "SELECT * FROM inputs WHERE run = ? ORDER BY role, path", arguments: [run])
    }

    /// A run's parent, grandparent and so on, nearest first; stops at a parent not in the store.
    public func parentChain(of run: String) throws -> [RunRecord] {
        try perform("read the parents of run \(run)") {
            try pool.read { db in
                guard let start = try RunRecord.fetchOne(db, key: run) else { throw LineageError.unknownRun(id: run) }
                return try Self.parentChain(db, of: start)
            }
        }
    }

    static func parentChain(_ db: Database, of run: RunRecord) throws -> [RunRecord] {
        var chain: [RunRecord] = []
        var seen: Set<String> = [run.id]
        var next = run.parentRun
        // `seen` guards against a cycle, which ingested files could in principle describe.
        while let id = next, !seen.contains(id), let parent = try RunRecord.fetchOne(db, key: id) {
            chain.append(parent)
            seen.insert(id)
            next = parent.parentRun
        }
        return chain
    }

    /// Where the artifacts with this path, or this SHA-256 (or a prefix of at least 8 hex digits), came from;
    /// newest first. A relative path is resolved against `base` (the working directory by default); the path is
    /// looked up both as kept (relative to the project root) and absolute, as rows written before kept it.
    public func lineage(of pathOrHash: String, relativeTo base: URL? = nil) throws -> [ArtifactLineage] {
        let hex = pathOrHash.lowercased()
        let isHash = hex.count >= 8 && hex.count <= 64 && hex.allSatisfy(\.isHexDigit)
        // A prefix as a range ("g" sorts after every hex digit), so the sha256 index serves it.
        let baseURL = base ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        let absolute = URL(fileURLWithPath: pathOrHash, relativeTo: baseURL).standardizedFileURL.path
        // A folder (an adapter's, as train, eval and merge take it) stands for the artifacts inside it.
        var given = pathOrHash
        while given.count > 1, given.hasSuffix("/") { given.removeLast() }
        let folders = [given, absolute, paths.relative(absolute)].map { $0 + "/" }
        return try perform("find the lineage of \(pathOrHash)") {
            try pool.read { db in
                let artifacts = try ArtifactRecord.fetchAll(db, sql: """
                    SELECT artifacts.* FROM artifacts JOIN runs ON runs.id = artifacts.run
                    WHERE artifacts.path IN (?, ?, ?) OR (? AND artifacts.sha256 >= ? AND artifacts.sha256 < ?)
                       OR substr(artifacts.path, 1, length(?)) = ? OR substr(artifacts.path, 1, length(?)) = ?
                       OR substr(artifacts.path, 1, length(?)) = ?
                    ORDER BY runs.started DESC, artifacts.id DESC
                    """, arguments: [given, absolute, paths.relative(absolute), isHash, hex, hex + "g",
                                     folders[0], folders[0], folders[1], folders[1], folders[2], folders[2]])
                return try artifacts.map { artifact in
                    guard let run = try RunRecord.fetchOne(db, key: artifact.run) else { throw LineageError.unknownRun(id: artifact.run) }
                    guard let cell = try CellRecord.fetchOne(db, key: run.cell) else { throw LineageError.unknownCell(id: run.cell) }
                    let experiments = try String.fetchAll(db, sql: "SELECT experiment FROM experiment_cells WHERE cell = ? ORDER BY experiment", arguments: [cell.id])
                    return ArtifactLineage(
                        artifact: artifact, run: run, cell: cell, experiments: experiments,
                        inputs: try Self.inputs(db, run: run.id), parents: try Self.parentChain(db, of: run))
                }
            }
        }
    }

    /// An experiment as rows of cells × final metrics, for CSV or JSON.
    public func export(experiment: String) throws -> ExperimentExport {
        try perform("export experiment \(experiment)") {
            try pool.read { db in
                guard try ExperimentRecord.exists(db, key: experiment) else { throw LineageError.unknownExperiment(name: experiment) }
                let cells = try ExperimentCellRecord.fetchAll(db, sql: "SELECT * FROM experiment_cells WHERE experiment = ? ORDER BY rowid", arguments: [experiment])
                var axisNames: Set<String> = []
                var metricNames: Set<String> = []
                var rows: [ExportRow] = []
                for cell in cells {
                    let runs = try Self.runs(db, cell: cell.cell)
                    let chosen = runs.last(where: { $0.status == .succeeded }) ?? runs.last
                    let metrics = try chosen.map { try Self.finalMetrics(db, run: $0.id) } ?? [:]
                    guard case let .object(axes) = try JSONValue.parse(cell.axisValues, what: "axis values of cell \(cell.cell)") else {
                        throw LineageError.invalidValue(field: "axis values of cell \(cell.cell)", value: cell.axisValues, reason: "not a JSON object")
                    }
                    axisNames.formUnion(axes.keys)
                    metricNames.formUnion(metrics.keys)
                    let config = try CellRecord.fetchOne(db, key: cell.cell).flatMap { try? JSONValue.parse($0.config, what: "cell \(cell.cell)") }
                    rows.append(ExportRow(
                        cell: cell.cell, status: CellStatus(runStatusesOldestFirst: runs.map(\.status)),
                        run: chosen?.id, axisValues: Dictionary(uniqueKeysWithValues: axes.map { ($0.key, $0.value.typedAxisValue(named: $0.key, config: config)) }),
                        axisLabels: axes.mapValues(\.plainText), metrics: metrics))
                }
                return ExperimentExport(experiment: experiment, axisNames: axisNames.sorted(), metricNames: metricNames.sorted(), rows: rows)
            }
        }
    }

    /// A tournament's judgments, in the order they were recorded.
    public func judgments(tournament: String) throws -> [JudgmentRecord] {
        try perform("list judgments of tournament \(tournament)") {
            try pool.read { try JudgmentRecord.fetchAll($0, sql: "SELECT * FROM judgments WHERE tournament = ? ORDER BY id", arguments: [tournament]) }
        }
    }

    /// A tournament's ratings, best first.
    public func ratings(tournament: String) throws -> [RatingRecord] {
        try perform("list ratings of tournament \(tournament)") {
            try pool.read { try RatingRecord.fetchAll($0, sql: "SELECT * FROM ratings WHERE tournament = ? ORDER BY rating DESC, cell", arguments: [tournament]) }
        }
    }
}
