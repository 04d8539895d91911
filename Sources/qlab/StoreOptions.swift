import ArgumentParser
import Foundation

/// Options every store-reading command shares.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("runs"), help: "The runs folder (cell directories and lineage.sqlite). (default: runs)")
    var runsOption: String?

    /// The runs folder: `--runs`, else `runs` in the working directory.
    var runs: String { runsOption ?? "runs" }

    /// Refuses to start a store by accident. Run from a folder that is not the project, a command that creates a
    /// store would start a second project there (every cell pending, training from scratch); so where no runs
    /// folder exists yet and no checkout of the project holds the working directory, it must be asked for by name.
    func requireProject(toCreate command: String) throws {
        guard runsOption == nil, !FileManager.default.fileExists(atPath: runs) else { return }
        let here = FileManager.default.currentDirectoryPath
        guard Self.checkout(containing: here) == nil else { return }
        let store = URL(fileURLWithPath: here).appendingPathComponent(runs).appendingPathComponent("lineage.sqlite").path
        throw ValidationError("""
            \(here) has no runs folder and is not inside a qlora-lab checkout (a folder with Package.swift and Experiments/): \
            `qlab \(command)` would start a new store at \(store). Run it from the checkout, or pass --runs FOLDER to create one there.
            """)
    }

    /// The nearest folder at or above `path` holding `Package.swift` and an `Experiments` folder, if any.
    static func checkout(containing path: String) -> String? {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        while true {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
               FileManager.default.fileExists(atPath: url.appendingPathComponent("Experiments").path, isDirectory: &isFolder), isFolder.boolValue {
                return url.path
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
    }
}
