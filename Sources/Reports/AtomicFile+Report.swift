import Foundation
import Support

extension AtomicFile {
    /// Writes a report's text file durably, failing with `ReportError.fileAccess` like the report's other
    /// file operations.
    static func write(_ text: String, to url: URL) throws {
        do {
            try write(text, to: url.path)
        } catch let error as FileError {
            throw ReportError.fileAccess(path: url.path, message: error.isOutOfSpace ? "no space left on device" : error.message)
        }
    }
}
