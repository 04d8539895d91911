import Foundation

/// What went wrong in the lineage store or while reading a cell directory, with the file and the operation.
public enum LineageError: Error, CustomStringConvertible, Equatable, Sendable {
    /// SQLite refused an operation on the store at `path`.
    case database(path: String, operation: String, message: String)
    /// The store was written by a newer qlora-lab whose migrations this build does not know.
    case newerSchema(path: String, unknownMigrations: [String])
    /// No run with this id is in the store.
    case unknownRun(id: String)
    /// No cell with this id is in the store.
    case unknownCell(id: String)
    /// No experiment with this name is in the store.
    case unknownExperiment(name: String)
    /// A cell id arrived with a configuration different from the one already stored under it.
    case conflictingCell(id: String, storedConfig: String, newConfig: String)
    /// A value the store cannot accept (e.g. finishing a run as `running`).
    case invalidValue(field: String, value: String, reason: String)
    /// A file a cell directory must contain is missing.
    case missingFile(path: String)
    /// A file exists but could not be read or written.
    case fileAccess(path: String, message: String)
    /// A file could not be written because the disk (or the quota) is full.
    case noSpace(path: String)
    /// A file was read but its contents are not what the format says (`line` is 1-based, for JSON Lines).
    case malformedFile(path: String, line: Int?, message: String)
    /// The store's file was deleted or replaced while a command that writes it ran.
    case storeReplaced(path: String, problem: String)

    public var description: String {
        switch self {
        case let .database(path, operation, message):
            let text = "\(path): lineage store: \(operation) failed: \(message)"
            // The store is derived data: every row comes from the cell directories beside it.
            if message.contains("malformed") || message.contains("not a database") {
                let runs = (path as NSString).deletingLastPathComponent
                return text + "\n  the store can be rebuilt from the cell directories: delete \(path) (with its -wal and -shm files) "
                    + "and run `qlab ingest \(runs.isEmpty ? "." : runs)/EXPERIMENT` for each experiment folder there"
            }
            return text
        case let .newerSchema(path, unknown):
            return "lineage store \(path) has migrations this build does not know (\(unknown.joined(separator: ", "))); use a newer qlab"
        case let .unknownRun(id):
            return "no run \(id) in the lineage store"
        case let .unknownCell(id):
            return "no cell \(id) in the lineage store"
        case let .unknownExperiment(name):
            return "no experiment \(name) in the lineage store"
        case let .conflictingCell(id, stored, new):
            return "cell \(id) is stored with config \(stored) but arrived with config \(new); the cell hash does not cover the whole configuration"
        case let .invalidValue(field, value, reason):
            return "invalid \(field) \(value): \(reason)"
        case let .missingFile(path):
            return "missing file \(path)"
        case let .fileAccess(path, message):
            return "cannot access \(path): \(message)"
        case let .noSpace(path):
            return "no space left on device writing \(path)"
        case let .malformedFile(path, line, message):
            if let line { return "\(path):\(line): \(message)" }
            return "\(path): \(message)"
        case let .storeReplaced(path, problem):
            let runs = (path as NSString).deletingLastPathComponent
            return "\(path): the lineage store was \(problem) while qlab ran, and nothing more was written to it; every result "
                + "is in the cell folders: `qlab ingest \(runs.isEmpty ? "." : runs)/EXPERIMENT` rebuilds a store from them"
        }
    }
}
