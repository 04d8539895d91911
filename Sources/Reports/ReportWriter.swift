import Foundation
import Support

/// Writes a report directory: README.md, and under `charts/` each chart's script, data, SVG and PNG.
///
/// Everything is built in a sibling staging directory and swapped in at the end, so a failed render leaves the
/// previous report whole and a reader never sees a README linking to images not yet drawn.
public struct ReportWriter: Sendable {
    /// The gnuplot that renders the charts.
    public let gnuplot: Gnuplot

    /// A writer using `gnuplot`.
    public init(gnuplot: Gnuplot) {
        self.gnuplot = gnuplot
    }

    /// Writes `document` into `directory` (replacing what was there); returns gnuplot's warnings, by script.
    @discardableResult
    public func write(_ document: ReportDocument, to directory: URL) throws -> [(script: String, warning: String)] {
        let fm = FileManager.default
        // Refuse before any work: the swap at the end removes whatever the folder held.
        try ReportFolder.checkReplaceable(directory)
        let parent = directory.deletingLastPathComponent()
        let token = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt64(Date().timeIntervalSince1970 * 1000))"
        let staging = parent.appendingPathComponent(".\(directory.lastPathComponent).partial-\(token)")
        let charts = staging.appendingPathComponent(ReportDocument.chartFolder)
        do {
            try fm.createDirectory(at: charts, withIntermediateDirectories: true)
        } catch {
            throw ReportError.fileAccess(path: charts.path, message: "\(error)")
        }
        var warnings: [(String, String)] = []
        do {
            for figure in document.figures {
                let script = try figure.chart.write(into: charts)
                // On failure the error names the script in the staging folder, which is kept for debugging.
                let warning = try gnuplot.render(script: script)
                if !warning.isEmpty { warnings.append((directory.appendingPathComponent("\(ReportDocument.chartFolder)/\(figure.chart.name).gp").path, warning)) }
                // gnuplot wrote the pictures with no flush of its own: make them as durable as the rest.
                for format in ["svg", "png"] {
                    let picture = charts.appendingPathComponent("\(figure.chart.name).\(format)").path
                    if fm.fileExists(atPath: picture) { try durably(picture) { try AtomicFile.flush(picture) } }
                }
            }
            try durably(charts.path) { try AtomicFile.syncDirectory(charts.path, for: charts.path) }
            try AtomicFile.write(ReportFolder.markerText, to: staging.appendingPathComponent(ReportFolder.marker))
            try AtomicFile.write(document.markdown, to: staging.appendingPathComponent("README.md"))
            // Checked again just before the swap: the folder may have been made or filled while charts rendered.
            try ReportFolder.checkReplaceable(directory)
            try swap(staging, into: directory)
            // The swap is a rename in the parent folder, lost with it in a crash unless that folder is flushed.
            try durably(directory.path) { try AtomicFile.syncDirectory(parent.path, for: directory.path) }
        } catch let error as ReportError {
            if case .gnuplotFailed = error {
                // Keep the staging directory: the failing script and its data are what the user needs to debug.
                throw error
            }
            try? fm.removeItem(at: staging)
            throw error
        }
        return warnings
    }

    /// Runs a flush, failing like the report's other file operations.
    private func durably(_ path: String, _ flush: () throws -> Void) throws {
        do {
            try flush()
        } catch let error as FileError {
            throw ReportError.fileAccess(path: path, message: error.isOutOfSpace ? "no space left on device" : error.message)
        }
    }

    private func swap(_ staging: URL, into directory: URL) throws {
        let fm = FileManager.default
        let old = directory.deletingLastPathComponent().appendingPathComponent(".\(directory.lastPathComponent).previous-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            if fm.fileExists(atPath: directory.path) { try fm.moveItem(at: directory, to: old) }
            try fm.moveItem(at: staging, to: directory)
            if fm.fileExists(atPath: old.path) { try fm.removeItem(at: old) }
        } catch {
            // Put the previous report back if the new one could not take its place.
            if !fm.fileExists(atPath: directory.path), fm.fileExists(atPath: old.path) { try? fm.moveItem(at: old, to: directory) }
            throw ReportError.fileAccess(path: directory.path, message: "\(error)")
        }
    }
}
