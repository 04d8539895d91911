import Foundation

/// Whole-file writes that a reader never sees half done: a temporary file beside the target, then a rename.
enum AtomicFile {
    static func write(_ text: String, to url: URL) throws {
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw ReportError.fileAccess(path: url.path, message: "\(error)")
        }
    }
}
