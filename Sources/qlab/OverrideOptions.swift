import ArgumentParser
import ExperimentSpec
import Foundation
import Tensors

/// `--set`, `--axis` and `--declared` of `qlab plan` and `qlab run`, and the record of the last overrides.
///
/// The overrides a grid was run with (or planned with `plan --save`) are recorded in `runs/NAME/overrides.json`,
/// so that a later `plan`, `run` or `report` without flags works on the same grid; `--declared` returns to the
/// spec as written. A plain `plan` is a preview: it records nothing and forgets nothing.
struct OverrideOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp("Fix a setting in every cell (repeatable).", valueName: "KEY=VALUE"))
    var fixed: [String] = []
    @Option(name: .customLong("axis"), help: ArgumentHelp("Vary a setting over values (repeatable; a list setting takes [a,b],[c]).",
                                                          valueName: "KEY=V1,V2"))
    var axes: [String] = []
    @Flag(help: "The experiment as declared, without the overrides recorded by an earlier --set or --axis.")
    var declared = false

    func validate() throws {
        if declared, !fixed.isEmpty || !axes.isEmpty { throw ValidationError("--declared cannot be combined with --set or --axis") }
    }

    /// The overrides to plan with, and a line saying where they come from (nil without overrides). With
    /// `recording`, `--declared` forgets the recorded overrides (and `recordGiven` will record given ones);
    /// without it (a preview) nothing changes on disk.
    func resolve(experiment: String, runs: String, recording: Bool = true) throws -> (overrides: Overrides, note: String?) {
        let record = OverrideRecord(runs: runs, experiment: experiment)
        if declared {
            if recording { try record.remove() }
            return (.none, nil)
        }
        if !fixed.isEmpty || !axes.isEmpty {
            let overrides: Overrides
            do {
                overrides = try Overrides(fixed: fixed, axes: axes)
            } catch {
                throw ValidationError("\(error)")
            }
            let place = recording ? "recorded in \(record.path)" : "a preview, not recorded; --save or `qlab run` records them"
            return (overrides, "overrides: \(overrides.arguments) (\(place))")
        }
        guard let recorded = try record.read(), !recorded.isEmpty else { return (.none, nil) }
        return (recorded, "overrides: \(recorded.arguments) (recorded in \(record.path) by an earlier --set/--axis; --declared for the spec as written)")
    }
}

extension OverrideOptions {
    /// The error for overrides that do not apply to `experiment`: given on this command line they are a bad
    /// command-line value (exit 64); recorded ones are the record's fault, and say where it is.
    func failure(_ error: OverrideError, experiment: String, runs: String) -> any Error {
        let reason = explain(error, experiment: experiment, runs: runs)
        guard !fixed.isEmpty || !axes.isEmpty else { return PlanError(experiment: experiment, reason: reason) }
        return ValidationError(PlanError(experiment: experiment, reason: reason).description)
    }

    /// Why `overrides` do not apply, saying where recorded ones come from and how to drop them.
    func explain(_ error: OverrideError, experiment: String, runs: String) -> String {
        guard fixed.isEmpty, axes.isEmpty, !declared else { return Self.describe(error) }
        return "\(Self.describe(error)) (in the overrides recorded in \(OverrideRecord(runs: runs, experiment: experiment).path); "
            + "pass --declared for the spec as written, or give --set/--axis again)"
    }

    /// The error's message; a misspelt key names the nearest setting instead of listing them all.
    static func describe(_ error: OverrideError) -> String {
        if case .unknownKey(let key, let valid) = error, let guess = Suggestion.nearest(to: key, among: valid) {
            return "no setting \(key); did you mean \(guess)? (`qlab show CELL` lists the settings as a tree)"
        }
        return error.description
    }

    /// Records `overrides` when they came from this command line, once they planned without error.
    func recordGiven(_ overrides: Overrides, experiment: String, runs: String) throws {
        guard !fixed.isEmpty || !axes.isEmpty else { return }
        try OverrideRecord(runs: runs, experiment: experiment).write(overrides)
    }
}

/// `runs/NAME/overrides.json`: the overrides an experiment was last planned with.
struct OverrideRecord {
    let path: String

    /// The record of `experiment` under `runs`.
    init(runs: String, experiment: String) {
        path = runs + "/" + experiment + "/overrides.json"
    }

    /// The recorded overrides, or nil when none are.
    func read() throws -> Overrides? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(Overrides.self, from: data)
        } catch {
            throw ValidationError("\(path) does not hold overrides (\(error)); remove it or pass --declared")
        }
    }

    /// Records `overrides` (atomically and durably: a reader never sees half a file, a crash loses neither).
    func write(_ overrides: Overrides) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(Array(try encoder.encode(overrides)), to: path)
    }

    /// Forgets the recorded overrides.
    func remove() throws {
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
    }
}
