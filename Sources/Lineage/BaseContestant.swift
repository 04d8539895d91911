import Foundation

/// The untrained base as a tournament contestant: a cell row of its own (ratings and judgments refer to cells),
/// named `base-` and the first 16 hex digits of a SHA-256 of what its answers depend on, linked to no experiment.
public enum BaseContestant {
    /// The prefix of every base contestant's id.
    public static let prefix = "base-"

    /// Whether `cell` names a base contestant.
    public static func isBase(_ cell: String) -> Bool {
        cell.hasPrefix(prefix) && cell.count == prefix.count + 16 && cell.dropFirst(prefix.count).allSatisfy(\.isHexDigit)
    }

    /// How a report names it.
    public static let label = "base (no adapter)"
}

extension LineageStore {
    /// Records a cell that belongs to no experiment (a base contestant); recording it again with the same
    /// configuration changes nothing, with another is an error (`conflictingCell`).
    public func recordReferenceCell(id: String, config: String, created: Date = Date()) throws {
        try perform("record reference cell \(id)") {
            try pool.write { db in try Self.insertCell(db, CellRecord(id: id, config: config, created: created)) }
        }
    }
}
