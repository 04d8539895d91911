import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Removing a cell folder (`qlab rm`): only a real folder of plain names under the runs root, and never through
/// a link, since a link copied in with a cell folder would otherwise take the removal to wherever it points.
extension CellDirectory {
    /// The folder of `cell` of `experiment` under `runsRoot` when it may be removed; a `LineageError` saying why
    /// not otherwise. Nil when there is no such folder. The runs root itself may be a link (to another disk).
    public static func removable(runsRoot: String, experiment: String, cell: String) throws -> CellDirectory? {
        guard isPlainName(experiment), isPlainName(cell) else {
            throw LineageError.invalidValue(field: "cell folder", value: experiment + "/" + cell,
                                            reason: "not plain names (letters, digits, - and _); not removed")
        }
        let experimentFolder = runsRoot + "/" + experiment
        let folder = experimentFolder + "/" + cell
        for path in [experimentFolder, folder] {
            var info = stat()
            guard lstat(path, &info) == 0 else { return nil }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: continue
            case S_IFLNK: throw LineageError.fileAccess(path: path, message: "is a symbolic link; qlab removes no folder through a link")
            default: throw LineageError.fileAccess(path: path, message: "is not a folder; not removed")
            }
        }
        let directory = CellDirectory(url: URL(fileURLWithPath: folder))
        // A live worker still writes there; removing its folder would leave a run without files.
        if case .held(let holder) = CellClaim.status(of: directory.url) {
            throw LineageError.fileAccess(path: folder, message: "is in use by a running worker (\(holder.map(\.description) ?? "another process")); stop it first")
        }
        return directory
    }

    /// The bytes of the files in the folder (links counted as links).
    public func size() -> Int64 {
        var total: Int64 = 0
        Self.walk(url.path) { _, info in total += Int64(info.st_size) }
        return total
    }

    /// Removes the folder and everything in it, never following a link (a link is removed as a link). `run.json`
    /// goes first, so that a removal cut short leaves nothing that `qlab plan` would ingest again as a run.
    public func removeTree() throws {
        let runPath = file(Self.runFile).path
        if unlink(runPath) != 0, errno != ENOENT { throw Self.removalError(runPath) }
        var failure: LineageError? = nil
        Self.walk(url.path) { path, info in
            guard failure == nil else { return }
            let removed = info.st_mode & S_IFMT == S_IFDIR ? rmdir(path) : unlink(path)
            if removed != 0, errno != ENOENT { failure = Self.removalError(path) }
        }
        if let failure { throw failure }
    }

    /// Visits everything below `path` and `path` itself, children before their folder, by `lstat`: a link is
    /// visited, never entered.
    static func walk(_ path: String, _ visit: (String, stat) -> Void) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                walk(path + "/" + name, visit)
            }
        }
        visit(path, info)
    }

    private static func removalError(_ path: String) -> LineageError {
        .fileAccess(path: path, message: "cannot remove: \(String(cString: strerror(errno)))")
    }
}
