import ExperimentSpec
import Foundation
import Lineage
import Support
import Tensors

/// The cells a coordinator hands to workers: everything a worker needs to run one cell without the spec,
/// so that the same file drives local worker processes and Slurm array tasks.
public struct CellManifest: Codable, Sendable {
    /// One cell to run.
    public struct Entry: Codable, Sendable {
        /// The experiment.
        public var experiment: String
        /// The cell id (12 hex digits of its identity hash).
        public var cell: String
        /// The full identity hash.
        public var digest: String
        /// The resolved configuration.
        public var config: TrainingConfig
        /// The canonical JSON of `config` (what the id hashes).
        public var canonicalConfig: String
        /// Axis name → value, in declaration order.
        public var axes: [Cell.AxisValue]
        /// The inputs read: role (base-model, dataset), name, path, sha256.
        public var inputs: [Input]
        /// The cell's directory, relative to the runs root.
        public var directory: String
        /// The run this one continues or repeats, if any.
        public var parentRun: String?
    }

    /// One input file of a cell.
    public struct Input: Codable, Sendable {
        public var role: String
        public var name: String
        public var path: String
        public var sha256: String
    }

    /// The runs root the directories are relative to.
    public var runsRoot: String
    /// The cells, addressed by index (a Slurm array task id).
    public var entries: [Entry]
    /// Keep a finished cell's checkpoints and paged optimizer state (nil, as in manifests written before the
    /// setting: they are removed once the cell has succeeded).
    public var keepCheckpoints: Bool?

    /// A manifest of `entries` under `runsRoot`.
    public init(runsRoot: String, entries: [Entry], keepCheckpoints: Bool = false) {
        self.runsRoot = runsRoot
        self.entries = entries
        self.keepCheckpoints = keepCheckpoints ? true : nil
    }

    /// Reads a manifest written by `write(to:)`.
    public static func read(path: String) throws -> CellManifest {
        let manifest: CellManifest
        do {
            manifest = try JSONDecoder().decode(CellManifest.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw RunnerError.badManifest(path: path, reason: "\(error)")
        }
        if let problem = manifest.rootProblem { throw RunnerError.badManifest(path: path, reason: problem) }
        for (i, entry) in manifest.entries.enumerated() {
            if let problem = entry.placementProblem { throw RunnerError.badManifest(path: path, reason: "entry \(i): \(problem)") }
        }
        return manifest
    }

    /// Writes the manifest atomically.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(Array(try encoder.encode(self)), to: path)
    }
}

extension CellManifest {
    /// Why the runs root cannot be the folder every entry's directory hangs from, if it cannot: it must be an
    /// existing folder named by an absolute path with no `.` or `..` in it (an empty one would put the cells at
    /// the root of the file system in one reading and in the working directory in another).
    public var rootProblem: String? {
        let parts = runsRoot.split(separator: "/", omittingEmptySubsequences: true)
        guard runsRoot.hasPrefix("/"), !parts.isEmpty, !parts.contains(where: { $0 == "." || $0 == ".." }),
              !runsRoot.containsControlCharacter else {
            return "runsRoot \(runsRoot.debugDescription) is not an absolute path to a runs folder"
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: runsRoot, isDirectory: &isDirectory), isDirectory.boolValue else {
            return "runsRoot \(runsRoot) is not an existing folder"
        }
        return nil
    }
}

extension CellManifest.Entry {
    /// Why this entry's names could lead a worker outside its runs folder, if they could: the directory must be
    /// relative and made of plain names (`experiment/cell`), as must the experiment and the cell.
    public var placementProblem: String? {
        if !CellDirectory.isPlainName(experiment) { return "experiment \(experiment.debugDescription) is not a plain name" }
        if !CellDirectory.isPlainName(cell) { return "cell \(cell.debugDescription) is not a plain name" }
        let parts = directory.split(separator: "/", omittingEmptySubsequences: false)
        if directory.hasPrefix("/") || parts.isEmpty || !parts.allSatisfy({ CellDirectory.isPlainName(String($0)) }) {
            return "directory \(directory.debugDescription) is not a folder inside the runs folder (EXPERIMENT/CELL)"
        }
        return nil
    }
}

/// Why the runner could not go on.
public enum RunnerError: Error, CustomStringConvertible, Sendable {
    case badManifest(path: String, reason: String)
    case unknownExperiment(String, known: [String])
    case unknownCell(String)
    case badFilter(String)
    case cellFailed(cell: String, reason: String)
    case cellInterrupted(cell: String, reason: String)
    /// Training stopped on non-finite values or a stuck loss.
    case cellDiverged(cell: String, reason: String)
    /// Another live worker holds the cell's claim; this one left it untouched.
    case cellClaimed(cell: String, holder: CellClaim.Holder?)
    case slurm(String)
    /// A Slurm option whose value could not be written safely into a batch script.
    case slurmValue(flag: String, value: String)

    public var description: String {
        switch self {
        case .badManifest(let path, let reason): "\(path): not a cell manifest: \(reason)"
        case .unknownExperiment(let name, let known): "no experiment named \"\(name)\"; known: \(known.joined(separator: ", "))"
        case .unknownCell(let id): "no cell \(id) in the store or the experiments"
        case .badFilter(let text): "--only \(text)"
        case .cellFailed(let cell, let reason): "cell \(cell) failed: \(reason)"
        case .cellInterrupted(let cell, let reason): "cell \(cell) interrupted: \(reason)"
        case .cellDiverged(let cell, let reason): "cell \(cell) diverged: \(reason)"
        case .cellClaimed(let cell, let holder): "cell \(cell) is running elsewhere (\(holder.map(\.description) ?? "another process")); left untouched"
        case .slurm(let message): message
        case .slurmValue(let flag, let value):
            "\(flag) \(value.debugDescription): expected letters, digits and . _ , : + - only (a partition list, a time such as 1-12:00:00, a size such as 8G); pass anything else with --sbatch-arg"
        }
    }
}
