import Foundation

/// Where qlab looks for a folder of the project (prepared data, downloaded models): a folder named by an
/// environment variable, then `relative` below the working directory, then `relative` below each of the four
/// folders above the running executable, which finds the checkout it was built in (`.build/<config>/qlab` or
/// `.build/<triple>/<config>/qlab`) from anywhere.
public enum CheckoutFolders {
    /// The candidates in search order; `variable`'s folder first when it is set and not empty.
    public static func candidates(relative: String, variable: String,
                                  environment: [String: String] = ProcessInfo.processInfo.environment,
                                  executable: String = CommandLine.arguments.first ?? "") -> [String] {
        var folders: [String] = []
        if let custom = environment[variable], !custom.isEmpty { folders.append(custom) }
        folders.append(FileManager.default.currentDirectoryPath + "/" + relative)
        var url = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            url = url.deletingLastPathComponent()
            folders.append(url.appendingPathComponent(relative).path)
        }
        return folders
    }
}
