import Support
import Foundation

/// `run.json`: the record of the cell's latest run, written by the worker when it starts and when it ends.
///
/// The run's own facts (`RunFacts`) read as properties of the file (`file.status`); the file adds the
/// experiment's context, the inputs and the log.
@dynamicMemberLookup
public struct RunFile: Codable, Sendable, Equatable {
    /// The format's version, for readers of files written by other versions.
    public var formatVersion: Int
    /// The run: its id (the same in the store), cell, status, times, code version, machine and seed.
    public var facts: RunFacts
    /// The experiment's name.
    public var experiment: String
    /// The cell's axis values in its experiment, a JSON object.
    public var axisValues: [String: JSONValue]
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
        self.facts = RunFacts(
            id: id, cell: cell, status: status, started: started, ended: ended, exitReason: exitReason, gitCommit: gitCommit,
            gitDirty: gitDirty, hostname: hostname, pid: pid, blasCore: blasCore, threads: threads, seed: seed,
            parentRun: parentRun, executor: executor)
        self.experiment = experiment
        self.axisValues = axisValues
        self.log = log
        self.inputs = inputs
    }

    /// A fact of the run, e.g. `file.status`.
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<RunFacts, Value>) -> Value {
        get { facts[keyPath: keyPath] }
        set { facts[keyPath: keyPath] = newValue }
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", experiment, axisValues = "axis_values", log, inputs
    }

    /// One flat JSON object: the run's facts beside the file's own keys.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        facts = try RunFacts(from: decoder)
        experiment = try c.decode(String.self, forKey: .experiment)
        axisValues = try c.decode([String: JSONValue].self, forKey: .axisValues)
        log = try c.decodeIfPresent(String.self, forKey: .log)
        inputs = try c.decode([InputEntry].self, forKey: .inputs)
    }

    public func encode(to encoder: any Encoder) throws {
        try facts.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(experiment, forKey: .experiment)
        try c.encode(axisValues, forKey: .axisValues)
        try c.encodeIfPresent(log, forKey: .log)
        try c.encode(inputs, forKey: .inputs)
    }
}
