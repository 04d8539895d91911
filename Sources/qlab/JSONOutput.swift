import Foundation
import Lineage
import Support

/// What `--json` prints: one JSON document on stdout with sorted keys, so that a script reads the same shape
/// every time; the human text, progress and notes stay on stderr or are left out.
enum JSONOutput {
    /// Writes `value` as the command's whole standard output.
    static func write(_ value: JSONValue) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        StandardOutput.write(try encoder.encode(value) + Data("\n".utf8))
    }

    /// A date as ISO 8601 text (UTC), or null.
    static func date(_ date: Date?) -> JSONValue {
        date.map { .string(ISO8601DateFormatter().string(from: $0)) } ?? .null
    }

    /// An optional string, or null.
    static func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    /// An optional integer, or null (a seed above Int64's range as its digits, which no JSON reader would round).
    static func integer<T: BinaryInteger>(_ value: T?) -> JSONValue {
        guard let value else { return .null }
        return Int64(exactly: value).map(JSONValue.integer) ?? .string(String(value))
    }

    /// An optional flag, or null.
    static func flag(_ value: Bool?) -> JSONValue { value.map(JSONValue.bool) ?? .null }

    /// Final metrics by name (NaN and infinities as null, as exports write them).
    static func metrics(_ metrics: [String: Double]) -> JSONValue { .object(metrics.mapValues(JSONValue.number)) }

    /// The facts of a run that scripts ask about.
    static func run(_ run: RunRecord) -> JSONValue {
        .object([
            "id": .string(run.id), "cell": .string(run.cell), "status": .string(run.status.rawValue),
            "exit_reason": text(run.exitReason), "started": date(run.started), "ended": date(run.ended),
            "seconds": run.ended.map { .number($0.timeIntervalSince(run.started)) } ?? .null,
            "parent_run": text(run.parentRun), "git_commit": text(run.gitCommit), "git_dirty": flag(run.gitDirty),
            "executor": .string(run.executor), "hostname": text(run.hostname), "threads": integer(run.threads),
            "blas_core": text(run.blasCore), "seed": integer(run.seed),
        ])
    }
}
