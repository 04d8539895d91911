import Foundation

/// The rule for where a report may be written: only a folder that does not exist yet or that holds a report
/// `qlab report` wrote, because writing a report replaces the whole folder.
public enum ReportFolder {
    /// The file written into every report folder; its presence is what allows the folder to be replaced.
    public static let marker = ".qlab-report"

    /// What the marker file says to a person who opens it.
    static let markerText = """
        This folder was written by `qlab report`. Regenerating the report replaces the whole folder:
        keep nothing else in it.

        """

    /// Throws `ReportError.notAReportFolder` unless `directory` may be replaced by a report: it does not exist,
    /// or it is a real folder (not a link) that is empty or holds a report and nothing else: the marker, README.md
    /// and a charts/ folder of chart files (a report written before the marker existed: the same without it).
    public static func checkReplaceable(_ directory: URL) throws {
        let path = directory.standardizedFileURL.path
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw ReportError.fileAccess(path: path, message: String(cString: strerror(errno)))
        }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFLNK { throw ReportError.notAReportFolder(path: path, reason: "it is a symbolic link") }
        if kind != S_IFDIR { throw ReportError.notAReportFolder(path: path, reason: "it is a file, not a folder") }
        if path == "/" { throw ReportError.notAReportFolder(path: path, reason: "it is the root of the file system") }
        let fm = FileManager.default
        // A project's own folders are never a report, whatever they hold.
        for landmark in [".git", "Package.swift", "lineage.sqlite"] where fm.fileExists(atPath: directory.appendingPathComponent(landmark).path) {
            throw ReportError.notAReportFolder(path: path, reason: "it holds \(landmark)")
        }
        let entries = try contents(of: path)
        if entries.isEmpty { return }
        if entries.contains(marker), !isRegularFile(directory.appendingPathComponent(marker).path) {
            throw ReportError.notAReportFolder(path: path, reason: "its \(marker) is not a regular file")
        }
        // A report, marked, or written before reports carried the marker: nothing in it but what qlab writes.
        let foreign = foreignEntries(path: path, entries: entries)
        if foreign.isEmpty && (entries.contains(marker) || Set(entries) == ["README.md", "charts"]) { return }
        if foreign.isEmpty {
            throw ReportError.notAReportFolder(path: path, reason: "it has no \(marker) marker")
        }
        let shown = foreign.sorted().prefix(5).joined(separator: ", ") + (foreign.count > 5 ? ", …" : "")
        throw ReportError.notAReportFolder(path: path, reason: "it holds files qlab did not write (\(shown))")
    }

    /// What in the folder a report does not hold: anything but the marker, README.md and a charts/ folder of
    /// chart files (scripts, data, pictures), all regular files.
    static func foreignEntries(path: String, entries: [String]) -> [String] {
        var foreign: [String] = []
        for entry in entries {
            switch entry {
            case marker:
                continue
            case "README.md":
                if !isRegularFile(path + "/README.md") { foreign.append(entry) }
            case "charts":
                var info = stat()
                guard lstat(path + "/charts", &info) == 0, info.st_mode & S_IFMT == S_IFDIR,
                      let charts = try? contents(of: path + "/charts") else { foreign.append(entry); continue }
                let chartTypes: Set<String> = ["gp", "tsv", "dat", "svg", "png"]
                for name in charts where !(chartTypes.contains((name as NSString).pathExtension) && isRegularFile(path + "/charts/" + name)) {
                    foreign.append("charts/" + name)
                }
            default:
                foreign.append(entry)
            }
        }
        return foreign
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    private static func contents(of path: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw ReportError.fileAccess(path: path, message: "cannot list it: \(error.localizedDescription)")
        }
    }
}
