import Foundation

/// What a run is, the same in its cell directory's `run.json` (`RunFile`) and in the store's `runs` table
/// (`RunRecord`): where, when, with which code and machine, and how it ended. Each of those two types adds
/// only what belongs to its own format, and the coding keys here are `run.json`'s.
public struct RunFacts: Codable, Sendable, Equatable {
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
    /// The run's seed.
    public var seed: UInt64?
    /// The run this one reruns or resumes.
    public var parentRun: String?
    /// Who ran it, e.g. `local` or `slurm`.
    public var executor: String

    enum CodingKeys: String, CodingKey {
        case id, cell, status, started, ended, exitReason = "exit_reason", gitCommit = "git_commit", gitDirty = "git_dirty"
        case hostname, pid, blasCore = "blas_core", threads, seed, parentRun = "parent_run", executor
    }
}
