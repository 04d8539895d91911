import Foundation
import GRDB

/// One attempt at a cell: where, when, with which code and machine, and how it ended (`RunFacts`, read as
/// properties of the record: `record.status`), and where its log is; a row of the `runs` table.
@dynamicMemberLookup
public struct RunRecord: Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "runs"

    /// The run.
    public var facts: RunFacts
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
        self.init(facts: RunFacts(
            id: id, cell: cell, status: status, started: started, ended: ended, exitReason: exitReason, gitCommit: gitCommit,
            gitDirty: gitDirty, hostname: hostname, pid: pid, blasCore: blasCore, threads: threads, seed: seed,
            parentRun: parentRun, executor: executor), logPath: logPath)
    }

    /// The record of a run whose facts are known, e.g. from its `run.json`.
    public init(facts: RunFacts, logPath: String?) {
        self.facts = facts
        self.logPath = logPath
    }

    /// A fact of the run, e.g. `record.status`.
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<RunFacts, Value>) -> Value {
        get { facts[keyPath: keyPath] }
        set { facts[keyPath: keyPath] = newValue }
    }

    public init(row: Row) throws {
        let statusText: String = row["status"]
        guard let status = RunStatus(rawValue: statusText) else {
            throw LineageError.invalidValue(field: "runs.status", value: statusText, reason: "not a run status")
        }
        // Stored as text: a UInt64 does not fit SQLite's signed integers.
        var seed: UInt64?
        let seedText: String? = row["seed"]
        if let seedText {
            guard let value = UInt64(seedText) else {
                throw LineageError.invalidValue(field: "runs.seed", value: seedText, reason: "not an unsigned 64-bit integer")
            }
            seed = value
        }
        facts = RunFacts(
            id: row["id"], cell: row["cell"], status: status, started: row["started"], ended: row["ended"],
            exitReason: row["exit_reason"], gitCommit: row["git_commit"], gitDirty: row["git_dirty"], hostname: row["hostname"],
            pid: row["pid"], blasCore: row["blas_core"], threads: row["threads"], seed: seed, parentRun: row["parent_run"],
            executor: row["executor"])
        logPath = row["log_path"]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = facts.id
        container["cell"] = facts.cell
        container["status"] = facts.status.rawValue
        container["started"] = facts.started
        container["ended"] = facts.ended
        container["exit_reason"] = facts.exitReason
        container["git_commit"] = facts.gitCommit
        container["git_dirty"] = facts.gitDirty
        container["hostname"] = facts.hostname
        container["pid"] = facts.pid
        container["blas_core"] = facts.blasCore
        container["threads"] = facts.threads
        container["seed"] = facts.seed.map { String($0) }
        container["parent_run"] = facts.parentRun
        container["executor"] = facts.executor
        container["log_path"] = logPath
    }
}
