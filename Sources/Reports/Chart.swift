import Foundation
import Support

/// One chart: a gnuplot script body and its data files, rendered to `NAME.svg` and `NAME.png` beside them.
public struct Chart: Sendable, Equatable {
    /// File stem: `NAME.gp`, `NAME.svg`, `NAME.png`.
    public var name: String
    /// What the chart shows, for the Markdown alt text and the script's first line.
    public var title: String
    /// gnuplot commands that set up and plot, without terminal or output (the script adds both).
    public var body: String
    /// Data files by file name, in the order written.
    public var dataFiles: [(name: String, contents: String)]
    /// Image size in pixels.
    public var width: Int
    /// Image height in pixels.
    public var height: Int

    /// A chart.
    public init(name: String, title: String, body: String, dataFiles: [(name: String, contents: String)], width: Int = 960, height: Int = 600) {
        self.name = name
        self.title = title
        self.body = body
        self.dataFiles = dataFiles
        self.width = width
        self.height = height
    }

    public static func == (l: Chart, r: Chart) -> Bool {
        l.name == r.name && l.title == r.title && l.body == r.body && l.width == r.width && l.height == r.height
            && l.dataFiles.map(\.name) == r.dataFiles.map(\.name) && l.dataFiles.map(\.contents) == r.dataFiles.map(\.contents)
    }

    /// The complete script: both terminals in a loop, so one `gnuplot NAME.gp` re-renders both images.
    public var script: String {
        """
        # \(GnuplotText.comment(title))
        # Written by `qlab report` from the lineage store. Data: \(dataFiles.map(\.name).joined(separator: ", ")).
        # Re-render both images (after restyling, say) with: gnuplot \(name).gp
        set datafile separator "\\t"
        do for [format in "svg png"] {
            if (format eq "svg") {
                set terminal svg size \(width),\(height) dynamic noenhanced font "Sans,13" background rgb "white"
            } else {
                set terminal pngcairo size \(width),\(height) noenhanced font "Sans,11" background rgb "white"
            }
            set output "\(name)." . format
        \(body.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
            unset output
        }

        """
    }

    /// Writes the script and data files into `directory`; returns the script's path.
    public func write(into directory: URL) throws -> String {
        for file in dataFiles {
            try AtomicFile.write(file.contents, to: directory.appendingPathComponent(file.name))
        }
        let script = directory.appendingPathComponent(name + ".gp")
        try AtomicFile.write(self.script, to: script)
        return script.path
    }
}
