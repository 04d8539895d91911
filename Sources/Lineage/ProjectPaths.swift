import Foundation

/// Paths as the store, `run.json` and reports keep them: relative to the project root when they lie inside it,
/// so that a moved checkout, or a shared file system mounted elsewhere, still finds them and reports do not show
/// the machine's directories. Paths outside the root (a model in another folder) stay absolute.
public struct ProjectPaths: Sendable, Equatable {
    /// The project root's absolute, standardized path, without a trailing slash.
    public let rootPath: String

    /// The project root.
    public var root: URL { URL(fileURLWithPath: rootPath, isDirectory: true) }

    /// The paths of the project rooted at `root`.
    public init(root: URL) {
        // A path rather than a URL: two URLs of one directory differ by a trailing slash.
        let path = root.standardizedFileURL.path
        rootPath = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    /// The project of a store at `storePath` (`ROOT/runs/lineage.sqlite`): the runs folder's parent.
    public init(storePath: String) {
        self.init(root: URL(fileURLWithPath: storePath).deletingLastPathComponent().deletingLastPathComponent())
    }

    /// `path` (absolute, or relative to the working directory) as kept: relative to the root when inside it.
    public func relative(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let prefix = rootPath.hasSuffix("/") ? rootPath : rootPath + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
    }

    /// A path read from a file or the store: relative ones are relative to the root already; absolute ones,
    /// written before paths were relative, are shortened when they lie inside the root.
    public func kept(_ stored: String) -> String {
        stored.hasPrefix("/") ? relative(stored) : stored
    }

    /// Where a kept path is on this machine.
    public func absolute(_ kept: String) -> String {
        kept.hasPrefix("/") ? kept : URL(fileURLWithPath: kept, relativeTo: root).standardizedFileURL.path
    }
}

extension LineageStore {
    /// The project this store belongs to: paths in it are relative to the runs folder's parent.
    public var paths: ProjectPaths { ProjectPaths(storePath: path) }
}
