import Foundation

/// A cell directory is untrusted input when it comes from another machine: the names and paths its files hold
/// must stay inside it, and a link inside it must never carry a write or a removal somewhere else.
extension CellDirectory {
    /// A name that is one path component and nothing more: letters, digits, `-` and `_`.
    public static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { s in
            s.isASCII && (CharacterSet.alphanumerics.contains(s) || s == "-" || s == "_")
        }
    }

    /// The file at `relative` (as a cell file lists it), which must be a relative path that stays inside this
    /// directory; `listedIn` names the file that listed it, for the error.
    public func inside(_ relative: String, listedIn file: String) throws -> URL {
        let resolved = URL(fileURLWithPath: relative, relativeTo: url).standardizedFileURL
        guard !relative.hasPrefix("/"), resolved.path.hasPrefix(url.path + "/") else {
            throw LineageError.malformedFile(path: file, line: nil,
                                             message: "path \(relative.debugDescription) leads outside the cell directory \(url.path)")
        }
        return resolved
    }

    /// Throws if the directory, or anything inside it, is a symbolic link: the worker writes, rotates and
    /// removes files here, and a link (placed in a cell folder copied from elsewhere) would take those writes
    /// and removals to wherever it points.
    public func checkNoLinks() throws {
        // The same walk as removal's: by lstat, a link visited and never entered.
        var link: String? = nil
        Self.walk(url.path) { path, info in
            if link == nil, info.st_mode & S_IFMT == S_IFLNK { link = path }
        }
        if let link { throw Self.linkError(link) }
    }

    private static func linkError(_ path: String) -> LineageError {
        .fileAccess(path: path, message: "is a symbolic link; qlab writes and removes files in a cell directory and follows no links there: "
                    + "replace the link with the file or folder itself, or remove it")
    }
}
