import Foundation
import Testing
@testable import Reports

/// A report replaces its whole folder, so only a folder that holds a report (or nothing) may be its target.
/// Every case runs in a scratch folder of its own, never the checkout.
@Suite struct ReportFolderTests {
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-report-folder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, _ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: false, encoding: .utf8)
    }

    static var document: ReportDocument {
        let chart = Chart(name: "loss", title: "loss", body: "plot 'loss.tsv' using 1:2 with lines title 'loss'",
                          dataFiles: [(name: "loss.tsv", contents: "step\tloss\n1\t2.5\n2\t2.1\n")])
        return ReportDocument(markdown: "# grid\n", figures: [ReportFigure(chart: chart, caption: "loss")])
    }

    static func refuses(_ target: URL, _ reason: String) -> Bool {
        do {
            try ReportFolder.checkReplaceable(target)
            return false
        } catch let ReportError.notAReportFolder(_, why) {
            return why.contains(reason)
        } catch {
            return false
        }
    }

    @Test(.enabled(if: gnuplotInstalled, "gnuplot is not installed"))
    func aFolderOfSomeoneElsesFilesIsRefusedAndKept() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("mine")
        try Self.write("do not lose me", target.appendingPathComponent("important.txt"))
        try Self.write("nested", target.appendingPathComponent("sub/notes.txt"))
        let writer = ReportWriter(gnuplot: try Gnuplot())
        #expect(throws: ReportError.self) { try writer.write(Self.document, to: target) }
        #expect(try String(contentsOf: target.appendingPathComponent("important.txt"), encoding: .utf8) == "do not lose me")
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("sub/notes.txt").path))
        // Nothing was left beside it either: no staging folder, no moved-aside copy.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["mine"])
    }

    @Test(.enabled(if: gnuplotInstalled, "gnuplot is not installed"))
    func aReportQlabWroteIsReplacedAndCarriesTheMarker() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("reports/grid")
        let writer = ReportWriter(gnuplot: try Gnuplot())
        try writer.write(ReportDocument(markdown: "# old\n", figures: []), to: target)
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent(ReportFolder.marker).path))
        try writer.write(Self.document, to: target)
        #expect(try String(contentsOf: target.appendingPathComponent("README.md"), encoding: .utf8) == "# grid\n")
        // A file a person added to the report's folder makes it theirs: the next report is refused.
        try Self.write("my notes", target.appendingPathComponent("notes.txt"))
        #expect(Self.refuses(target, "files qlab did not write (notes.txt)"))
        #expect(throws: ReportError.self) { try writer.write(Self.document, to: target) }
        #expect(try String(contentsOf: target.appendingPathComponent("notes.txt"), encoding: .utf8) == "my notes")
    }

    @Test func theRule() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let fm = FileManager.default
        // Nothing there, or an empty folder: fine.
        try ReportFolder.checkReplaceable(root.appendingPathComponent("new"))
        try fm.createDirectory(at: root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        try ReportFolder.checkReplaceable(root.appendingPathComponent("empty"))
        // A project, a runs folder (its store), a checkout.
        try Self.write("// swift-tools-version", root.appendingPathComponent("project/Package.swift"))
        #expect(Self.refuses(root.appendingPathComponent("project"), "holds Package.swift"))
        try Self.write("", root.appendingPathComponent("runs/lineage.sqlite"))
        #expect(Self.refuses(root.appendingPathComponent("runs"), "holds lineage.sqlite"))
        try fm.createDirectory(at: root.appendingPathComponent("clone/.git"), withIntermediateDirectories: true)
        #expect(Self.refuses(root.appendingPathComponent("clone"), "holds .git"))
        // A file, a link to a folder, the root of the file system.
        try Self.write("x", root.appendingPathComponent("file"))
        #expect(Self.refuses(root.appendingPathComponent("file"), "is a file"))
        try fm.createSymbolicLink(at: root.appendingPathComponent("link"), withDestinationURL: root.appendingPathComponent("empty"))
        #expect(Self.refuses(root.appendingPathComponent("link"), "symbolic link"))
        #expect(Self.refuses(URL(fileURLWithPath: "/"), "root of the file system"))
        // A folder of reports (reports/ itself) is not a report.
        try Self.write("# index", root.appendingPathComponent("reports/README.md"))
        try Self.write("# a", root.appendingPathComponent("reports/a/README.md"))
        #expect(Self.refuses(root.appendingPathComponent("reports"), "files qlab did not write"))
        // A report from before the marker: README.md and charts/ of chart files only.
        let old = root.appendingPathComponent("old")
        try Self.write("# old", old.appendingPathComponent("README.md"))
        for file in ["loss.gp", "loss.tsv", "loss.svg", "loss.png"] { try Self.write("x", old.appendingPathComponent("charts/" + file)) }
        try ReportFolder.checkReplaceable(old)
        try Self.write("mine", old.appendingPathComponent("charts/notes.txt"))
        #expect(Self.refuses(old, "files qlab did not write"))
        // The shape alone without its marker is not enough when the folder holds only a README.
        try Self.write("# readme", root.appendingPathComponent("docs/README.md"))
        #expect(Self.refuses(root.appendingPathComponent("docs"), "no .qlab-report marker"))
        // The marker counts only as a regular file.
        let fake = root.appendingPathComponent("fake")
        try Self.write("# x", fake.appendingPathComponent("README.md"))
        try fm.createSymbolicLink(at: fake.appendingPathComponent(ReportFolder.marker), withDestinationURL: root.appendingPathComponent("file"))
        #expect(Self.refuses(fake, "not a regular file"))
    }
}
