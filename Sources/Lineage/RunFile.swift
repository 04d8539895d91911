import Foundation

/// `run.json`: the record of the cell's latest run, written by the worker when it starts and when it ends.
public struct RunFile: Codable, Sendable, Equatable {
    /// The format's version, for readers of files written by other versions.
    public var formatVersion: Int
    /// The run's id (a UUID), the same in the store.
    public var id: String
    /// The experiment's name.
    public var experiment: String
    /// The cell id.
    public var cell: String
    /// The cell's axis values in its experiment, a JSON object.
    public var axisValues: [String: JSONValue]
    /// Where the run stands.
    public var status: RunStatus
    /// When it started.
    public var started: Date
    /// When it ended.
    public var ended: Date?
    /// Why it ended.
    public var exitReason: String?
    /// The git commit of the code.
    public var gitCommit: String?
    /// Whether the work tree had uncommitted changes.
    public var gitDirty: Bool?
    /// The machine's host name.
    public var hostname: String?
    /// The worker's process id.
    public var pid: Int32?
    /// OpenBLAS's core name.
    public var blasCore: String?
    /// BLAS threads.
    public var threads: Int?
    /// The run's seed.
    public var seed: UInt64?
    /// The run this one reruns or resumes.
    public var parentRun: String?
    /// Who ran it: `local`, `slurm`.
    public var executor: String
    /// The log file, relative to the cell directory.
    public var log: String?
    /// The files the run read.
    public var inputs: [InputEntry]

    /// The current format version.
    public static let currentFormatVersion = 1

    /// A run file in the current format.
    public init(
        id: String, experiment: String, cell: String, axisValues: [String: JSONValue], status: RunStatus,
        started: Date, ended: Date? = nil, exitReason: String? = nil, gitCommit: String? = nil,
        gitDirty: Bool? = nil, hostname: String? = nil, pid: Int32? = nil, blasCore: String? = nil,
        threads: Int? = nil, seed: UInt64? = nil, parentRun: String? = nil, executor: String = "local",
        log: String? = nil, inputs: [InputEntry] = []
    ) {
        self.formatVersion = Self.currentFormatVersion
        self.id = id
        self.experiment = experiment
        self.cell = cell
        self.axisValues = axisValues
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
        self.log = log
        self.inputs = inputs
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", id, experiment, cell, axisValues = "axis_values", status, started, ended
        case exitReason = "exit_reason", gitCommit = "git_commit", gitDirty = "git_dirty", hostname, pid
        case blasCore = "blas_core", threads, seed, parentRun = "parent_run", executor, log, inputs
    }
}
