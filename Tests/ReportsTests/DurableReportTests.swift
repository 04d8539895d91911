import Foundation
import Support
import Testing
@testable import Reports

/// A report is one of the files that must survive a crash whole: everything in it is flushed to disk before
/// it takes the old report's place, and the folder that holds it is flushed after.
@Suite struct DurableReportTests {
    @Test(.enabled(if: gnuplotInstalled, "gnuplot is not installed: apt-get install gnuplot-nox (or scripts/setup)"))
    func everyFileOfAReportIsOnDiskBeforeItReplacesTheOldOne() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("reports/grid")
        let chart = Chart(name: "loss", title: "loss", body: "plot 'loss.tsv' using 1:2 with lines title 'loss'",
                          dataFiles: [(name: "loss.tsv", contents: "step\tloss\n1\t2.5\n2\t2.1\n3\t1.9\n")])
        let document = ReportDocument(markdown: "# grid\n\n![loss](charts/loss.svg)\n", figures: [ReportFigure(chart: chart, caption: "loss")])
        let writer = ReportWriter(gnuplot: try Gnuplot())
        try writer.write(ReportDocument(markdown: "# old\n", figures: []), to: folder)

        let all = try await AtomicFile.recordingSteps { try writer.write(document, to: folder) }

        // The report is built in a staging folder beside it and renamed into place; README.md is written last.
        let readme = all.compactMap { step -> String? in
            if case let .renamed(_, to: path) = step, path.hasSuffix("/README.md") { return path }
            return nil
        }
        let staging = try #require(readme.last.map { String($0.dropLast("/README.md".count)) }, "README.md was not written atomically: \(all)")
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder.path).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        #expect(Set(files) == ["README.md", ".qlab-report", "charts/loss.gp", "charts/loss.tsv", "charts/loss.svg", "charts/loss.png"])
        for file in files {
            let path = staging + "/" + file
            let flushed = all.firstIndex { step in
                switch step {
                case let .renamed(_, to: target): target == path
                case let .flushedFile(target): target == path
                default: false
                }
            }
            #expect(flushed != nil, "\(file) was not flushed before the report took its place: \(all)")
        }
        // The pictures gnuplot drew are new names in charts/, and the report is a new name in its parent folder.
        let chartsFlushed = all.lastIndex(of: .flushedDirectory(staging + "/charts"))
        let lastPicture = all.lastIndex { if case .flushedFile = $0 { true } else { false } }
        #expect(chartsFlushed != nil && lastPicture != nil && chartsFlushed! > lastPicture!, "\(all)")
        #expect(all.last == .flushedDirectory(folder.deletingLastPathComponent().path), "\(all)")
        #expect(try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8) == "# grid\n\n![loss](charts/loss.svg)\n")
    }
}
