import Foundation

/// Finds programs the way a shell does: a name with a slash is a path, any other name is looked up on `PATH`.
public enum ProgramSearch {
    /// The `PATH` of `environment`, or the usual system folders when it is unset.
    public static func searchPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/local/bin:/usr/bin:/bin"
    }

    /// The full path of the first executable regular file named `name` in the folders of `searchPath`, or nil.
    public static func find(_ name: String, searchPath: String = searchPath()) -> String? {
        for folder in searchPath.split(separator: ":") where !folder.isEmpty {
            let candidate = folder + "/" + name
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// Whether `path` is a regular file (after symbolic links) that this process may execute; a folder is not.
    public static func isExecutableFile(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { return false }
        return access(path, X_OK) == 0
    }
}
