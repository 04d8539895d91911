import Foundation
import GRDB

/// The SQLite store of every experiment, cell, run, metric, artifact, input and judgment (WAL mode).
///
/// Safe to share between threads and to open from several processes at once: writes are IMMEDIATE
/// transactions and wait for each other up to the busy timeout instead of failing with "database is locked".
public final class LineageStore: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    /// The database file's device and inode when it was opened: a store deleted or replaced while this process
    /// ran would otherwise take writes into a file no one can open again, or into another store.
    let identity: FileIdentity?

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    public convenience init(path: String, busyTimeout: TimeInterval = 60) throws {
        try self.init(path: path, busyTimeout: busyTimeout, migratingUpTo: nil)
    }

    /// Opens the store, applying migrations up to `target` (all of them when nil); tests use old targets.
    init(path: String, busyTimeout: TimeInterval, migratingUpTo target: String?) throws {
        self.path = path
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw LineageError.fileAccess(path: directory.path, message: "\(error)")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.label = "lineage"
        configuration.prepareDatabase { db in
            // In WAL mode NORMAL still survives a killed process; only a power loss may drop the last commits.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let migrator = LineageSchema.migrator
        pool = try FileLock(path: path + ".lock").withLock {
            let pool: DatabasePool
            do {
                pool = try DatabasePool(path: path, configuration: configuration)
            } catch {
                throw LineageError.database(path: path, operation: "open", message: "\(error)")
            }
            let applied: Set<String>
            do {
                applied = try pool.read { db in
                    try db.tableExists("grdb_migrations") ? try migrator.appliedIdentifiers(db) : []
                }
            } catch {
                throw LineageError.database(path: path, operation: "read the schema version", message: "\(error)")
            }
            let unknown = applied.subtracting(LineageSchema.versions)
            if !unknown.isEmpty {
                throw LineageError.newerSchema(path: path, unknownMigrations: unknown.sorted())
            }
            let target = target ?? LineageSchema.latest
            guard let targetIndex = LineageSchema.versions.firstIndex(of: target) else {
                throw LineageError.invalidValue(field: "schema version", value: target, reason: "no such migration")
            }
            if LineageSchema.versions[(targetIndex + 1)...].contains(where: applied.contains) {
                throw LineageError.invalidValue(field: "schema version", value: target, reason: "the store is already past it")
            }
            do {
                try migrator.migrate(pool, upTo: target)
            } catch {
                throw LineageError.database(path: path, operation: "migrate to \(target)", message: "\(error)")
            }
            return pool
        }
        identity = FileIdentity(path: path)
    }

    /// Why this store is no longer the file it opened (deleted, or another file in its place), or nil.
    public func replacementProblem() -> String? {
        guard let identity else { return nil }
        guard let now = FileIdentity(path: path) else { return "deleted" }
        return now == identity ? nil : "replaced by another file"
    }

    /// Throws `LineageError.storeReplaced` when the store's file was deleted or replaced since it was opened.
    public func checkInPlace() throws {
        if let problem = replacementProblem() { throw LineageError.storeReplaced(path: path, problem: problem) }
    }

    /// The migrations applied to the store, oldest first.
    public func schemaVersions() throws -> [String] {
        let applied = try perform("read the schema version") {
            try pool.read { try LineageSchema.migrator.appliedIdentifiers($0) }
        }
        return LineageSchema.versions.filter(applied.contains)
    }

    /// Runs `body`, turning database errors into `LineageError.database` naming the store and `operation`.
    func perform<T>(_ operation: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
        // Every operation, not only the first: a store deleted or replaced under a long command must not take
        // its writes into a file no one will open again.
        try checkInPlace()
        do {
            return try body()
        } catch let error as LineageError {
            throw error
        } catch {
            throw LineageError.database(path: path, operation: operation(), message: "\(error)")
        }
    }

    // MARK: - Experiments and cells

    /// Records an experiment and its cells; recording the same again changes nothing but the description and hash.
    public func recordExperiment(_ experiment: ExperimentRecord, cells: [CellDefinition]) throws {
        try perform("record experiment \(experiment.name)") {
            try pool.write { db in
                try Self.upsertExperiment(db, experiment, updating: true)
                for cell in cells {
                    try Self.insertCell(db, CellRecord(id: cell.id, config: cell.config, created: experiment.created))
                    try ExperimentCellRecord(experiment: experiment.name, cell: cell.id, axisValues: cell.axisValues).upsert(db)
                }
            }
        }
    }

    static func upsertExperiment(_ db: Database, _ experiment: ExperimentRecord, updating: Bool) throws {
        // `created` stays the first recording's, so re-recording is idempotent.
        let onConflict = updating
            ? "DO UPDATE SET description = excluded.description, spec_hash = excluded.spec_hash"
            : "DO NOTHING"
        try db.execute(
            sql: "INSERT INTO experiments (name, description, spec_hash, created) VALUES (?, ?, ?, ?) ON CONFLICT(name) \(onConflict)",
            arguments: [experiment.name, experiment.description, experiment.specHash, experiment.created])
    }

    static func insertCell(_ db: Database, _ cell: CellRecord) throws {
        if let stored = try String.fetchOne(db, sql: "SELECT config FROM cells WHERE id = ?", arguments: [cell.id]) {
            guard stored == cell.config else {
                throw LineageError.conflictingCell(id: cell.id, storedConfig: stored, newConfig: cell.config)
            }
        } else {
            try cell.insert(db)
        }
    }

    // MARK: - Runs

    /// Records a new run (normally `RunRecord(cell:)`, status running) and returns its id.
    @discardableResult
    public func startRun(_ run: RunRecord) throws -> String {
        try perform("start run \(run.id) of cell \(run.cell)") {
            try pool.write { db in
                guard try CellRecord.exists(db, key: run.cell) else { throw LineageError.unknownCell(id: run.cell) }
                try run.insert(db)
            }
        }
        return run.id
    }

    /// Ends a run as succeeded, failed or interrupted.
    public func finishRun(id: String, status: RunStatus, exitReason: String? = nil, ended: Date = Date()) throws {
        guard status != .running else {
            throw LineageError.invalidValue(field: "status", value: status.rawValue, reason: "a run finishes as succeeded, failed or interrupted")
        }
        try perform("finish run \(id)") {
            try pool.write { db in
                try db.execute(
                    sql: "UPDATE runs SET status = ?, ended = ?, exit_reason = ? WHERE id = ?",
                    arguments: [status.rawValue, ended, exitReason, id])
                if db.changesCount == 0 { throw LineageError.unknownRun(id: id) }
            }
        }
    }

    /// Marks as interrupted every `running` run whose process `isAlive` says is gone; returns their ids.
    @discardableResult
    public func markInterruptedRuns(
        now: Date = Date(), isAlive: (RunRecord) -> Bool = ProcessLiveness.isAliveOnThisHost
    ) throws -> [String] {
        let running = try perform("read running runs") {
            try pool.read { try RunRecord.fetchAll($0, sql: "SELECT * FROM runs WHERE status = 'running' ORDER BY started") }
        }
        let dead = running.filter { !isAlive($0) }
        guard !dead.isEmpty else { return [] }
        return try perform("mark runs interrupted") {
            try pool.write { db in
                var marked: [String] = []
                for run in dead {
                    let reason = "process \(run.pid.map(String.init) ?? "?") on \(run.hostname ?? "?") ended without finishing the run"
                    // The status condition keeps a run that finished meanwhile from being overwritten.
                    try db.execute(
                        sql: "UPDATE runs SET status = 'interrupted', ended = ?, exit_reason = ? WHERE id = ? AND status = 'running'",
                        arguments: [now, reason, run.id])
                    if db.changesCount > 0 { marked.append(run.id) }
                }
                return marked
            }
        }
    }

    // MARK: - Metrics

    /// Appends metric points to a run in one transaction: all of them land, or none; returns how many.
    ///
    /// A point for a (name, step) the run already has replaces the old value.
    @discardableResult
    public func appendMetrics<Points: Sequence>(run: String, _ points: Points) throws -> Int where Points.Element == MetricPoint {
        try perform("append metrics to run \(run)") {
            try pool.write { db in
                guard try RunRecord.exists(db, key: run) else { throw LineageError.unknownRun(id: run) }
                return try Self.insertMetrics(db, run: run, points)
            }
        }
    }

    /// Records a run's final metrics (step nil).
    public func recordFinalMetrics(run: String, _ metrics: [String: Double]) throws {
        try appendMetrics(run: run, metrics.sorted { $0.key < $1.key }.map { MetricPoint(step: nil, name: $0.key, value: $0.value) })
    }

    static func insertMetrics<Points: Sequence>(_ db: Database, run: String, _ points: Points) throws -> Int where Points.Element == MetricPoint {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO metrics (run, step, name, value) VALUES (?, ?, ?, ?)
            ON CONFLICT(run, name, coalesce(step, -1)) DO UPDATE SET value = excluded.value
            """)
        var count = 0
        for point in points {
            try statement.execute(arguments: [run, point.step, point.name, point.value.isNaN ? nil : point.value])
            count += 1
        }
        return count
    }

    // MARK: - Artifacts and inputs

    /// Records files runs produced; the same (run, path) again replaces the old row.
    public func recordArtifacts(_ artifacts: [ArtifactRecord]) throws {
        try perform("record artifacts") {
            try pool.write { db in
                for artifact in artifacts { try Self.upsertArtifact(db, artifact) }
            }
        }
    }

    static func upsertArtifact(_ db: Database, _ artifact: ArtifactRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO artifacts (path, kind, sha256, bytes, run) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(run, path) DO UPDATE SET kind = excluded.kind, sha256 = excluded.sha256, bytes = excluded.bytes
                """,
            arguments: [artifact.path, artifact.kind.rawValue, artifact.sha256, artifact.bytes, artifact.run])
    }

    /// Records files runs read; the same (run, role, path) again replaces the old hash.
    public func recordInputs(_ inputs: [InputRecord]) throws {
        try perform("record inputs") {
            try pool.write { db in
                for input in inputs { try Self.upsertInput(db, input) }
            }
        }
    }

    static func upsertInput(_ db: Database, _ input: InputRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO inputs (run, role, path, sha256) VALUES (?, ?, ?, ?)
                ON CONFLICT(run, role, path) DO UPDATE SET sha256 = excluded.sha256
                """,
            arguments: [input.run, input.role.rawValue, input.path, input.sha256])
    }

    // MARK: - Tournaments

    /// Records judgments, in one transaction.
    public func recordJudgments(_ judgments: [JudgmentRecord]) throws {
        try perform("record judgments") {
            try pool.write { db in
                for judgment in judgments { try judgment.insert(db) }
            }
        }
    }

    /// Records ratings; a rating for the same (tournament, cell, method) replaces the old one.
    public func recordRatings(_ ratings: [RatingRecord]) throws {
        try perform("record ratings") {
            try pool.write { db in
                for rating in ratings { try rating.upsert(db) }
            }
        }
    }
}

/// A file's device and inode number, as `stat` reports them.
struct FileIdentity: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}
