import Foundation
import GRDB

/// One attempt at a cell: where, when, with which code and machine, and how it ended.
public struct RunRecord: Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "runs"

    /// Unique across machines (a UUID by default), so runs from other machines ingest without renumbering.
    public var id: String
    /// The cell this run computes.
    public var cell: String
    /// Where the run stands.
    public var status: RunStatus
    /// When the run started.
    public var started: Date
    /// When the run ended (nil while running).
    public var ended: Date?
    /// Why it ended, e.g. an error message or `signal 9`.
    public var exitReason: String?
    /// The git commit the code was built from.
    public var gitCommit: String?
    /// Whether the work tree had uncommitted changes.
    public var gitDirty: Bool?
    /// The machine's host name.
    public var hostname: String?
    /// The worker's process id on `hostname`, to tell a live run from a dead one.
    public var pid: Int32?
    /// OpenBLAS's core name (results differ between kernels).
    public var blasCore: String?
    /// BLAS threads (results differ between thread counts).
    public var threads: Int?
    /// The run's seed (stored as text: a UInt64 does not fit SQLite's signed integers).
    public var seed: UInt64?
    /// The run this one reruns or resumes.
    public var parentRun: String?
    /// Who ran it, e.g. `local` or `slurm`.
    public var executor: String
    /// The run's log file.
    public var logPath: String?

    /// A new run record: status `running`, started now, in this process on this host, with a fresh id.
    public init(
        id: String = UUID().uuidString.lowercased(),
        cell: String,
        status: RunStatus = .running,
        started: Date = Date(),
        ended: Date? = nil,
        exitReason: String? = nil,
        gitCommit: String? = nil,
        gitDirty: Bool? = nil,
        hostname: String? = ProcessLiveness.hostName,
        pid: Int32? = ProcessInfo.processInfo.processIdentifier,
        blasCore: String? = nil,
        threads: Int? = nil,
        seed: UInt64? = nil,
        parentRun: String? = nil,
        executor: String = "local",
        logPath: String? = nil
    ) {
        self.id = id
        self.cell = cell
        self.status = status
        self.started = started
        self.ended = ended
        self.exitReason = exitReason
        self.gitCommit = gitCommit
        self.gitDirty = gitDirty
        self.hostname = hostname
        self.pid = pid
        self.blasCore = blasCore
        self.threads = threads
        self.seed = seed
        self.parentRun = parentRun
        self.executor = executor
        self.logPath = logPath
    }

    public init(row: Row) throws {
        id = row["id"]
        cell = row["cell"]
        let statusText: String = row["status"]
        guard let status = RunStatus(rawValue: statusText) else {
            throw LineageError.invalidValue(field: "runs.status", value: statusText, reason: "not a run status")
        }
        self.status = status
        started = row["started"]
        ended = row["ended"]
        exitReason = row["exit_reason"]
        gitCommit = row["git_commit"]
        gitDirty = row["git_dirty"]
        hostname = row["hostname"]
        pid = row["pid"]
        blasCore = row["blas_core"]
        threads = row["threads"]
        let seedText: String? = row["seed"]
        if let seedText {
            guard let seed = UInt64(seedText) else {
                throw LineageError.invalidValue(field: "runs.seed", value: seedText, reason: "not an unsigned 64-bit integer")
            }
            self.seed = seed
        } else {
            seed = nil
        }
        parentRun = row["parent_run"]
        executor = row["executor"]
        logPath = row["log_path"]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["cell"] = cell
        container["status"] = status.rawValue
        container["started"] = started
        container["ended"] = ended
        container["exit_reason"] = exitReason
        container["git_commit"] = gitCommit
        container["git_dirty"] = gitDirty
        container["hostname"] = hostname
        container["pid"] = pid
        container["blas_core"] = blasCore
        container["threads"] = threads
        container["seed"] = seed.map { String($0) }
        container["parent_run"] = parentRun
        container["executor"] = executor
        container["log_path"] = logPath
    }
}
