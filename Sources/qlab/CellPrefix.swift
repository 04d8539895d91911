import ArgumentParser
import Lineage

/// A cell named on the command line by its id or a prefix of it, resolved the same way by every command that takes
/// one (`show`, `rerun`): a unique match is the cell; none or several is a bad command-line value (exit 64) whose
/// message says which cells there are.
enum CellPrefix {
    /// The most matches an ambiguous prefix lists.
    static let listed = 10

    /// The one cell of `lineage` whose id starts with `prefix` (case-insensitive); `runs` names the store in errors.
    static func resolve(_ prefix: String, in lineage: LineageStore, runs: String) throws -> CellRecord {
        let digits = prefix.lowercased()
        guard !digits.isEmpty, digits.allSatisfy(\.isHexDigit) else {
            throw ValidationError("\(prefix) is not a cell id: ids are hexadecimal (`qlab plan NAME` or `qlab runs NAME` lists them)")
        }
        let matches = try lineage.cells(idPrefix: digits)
        if matches.count == 1 { return matches[0] }
        guard !matches.isEmpty else {
            throw ValidationError("no cell starts with \(prefix) in \(runs)/lineage.sqlite (`qlab runs` lists the experiments, `qlab plan NAME` their cells)")
        }
        var owners: [String: [String]] = [:]
        for experiment in try lineage.experiments() {
            for record in try lineage.cells(experiment: experiment.name) { owners[record.cell, default: []].append(experiment.name) }
        }
        let lines = matches.prefix(listed).map { m in
            "  \(m.id)" + (owners[m.id].map { " (\($0.joined(separator: ", ")))" } ?? "")
        }
        let more = matches.count > listed ? ["  … and \(matches.count - listed) more"] : []
        throw ValidationError((["\(prefix) matches \(matches.count) cells; give more digits:"] + lines + more).joined(separator: "\n"))
    }
}
