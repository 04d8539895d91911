import Foundation
import Lineage
import Testing
@testable import Reports

@Suite struct RenderTests {
    @Test(.enabled(if: gnuplotInstalled, "gnuplot is not installed: apt-get install gnuplot-nox (or scripts/setup)"))
    func gnuplotRendersEveryChartAndRegenerationReplacesTheReport() throws {
        let fixture = try TestStore()
        defer { fixture.cleanUp() }
        let a = fixture.cells["0.001/16/0"]!, b = fixture.cells["0.0002/8/0"]!
        try fixture.store.recordRatings([RatingRecord(tournament: "grid", cell: a, method: "elo", rating: 1010, lower: 990, upper: 1030),
                                        RatingRecord(tournament: "grid", cell: b, method: "elo", rating: 990, lower: nil, upper: nil)])
        try fixture.store.recordJudgments([JudgmentRecord(tournament: "grid", prompt: "p", cellA: a, cellB: b, presentationOrder: .ab,
                                                          winner: .a, judge: "reference", rawOutput: "A")])
        let document = try ReportDocument(results: try fixture.results(), options: ReportOptions(smoothing: 3), command: "qlab report grid")
        let folder = fixture.directory.appendingPathComponent("reports/grid")
        let writer = ReportWriter(gnuplot: try Gnuplot())
        let warnings = try writer.write(document, to: folder)
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(document.figures.count >= 10)
        for figure in document.figures {
            for ext in ["svg", "png", "gp"] {
                let path = folder.appendingPathComponent("charts/\(figure.chart.name).\(ext)").path
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                #expect(size > 200, "\(path) is missing or empty")
            }
            #expect(document.markdown.contains("](charts/\(figure.chart.name).svg)"))
        }
        let png = try Data(contentsOf: folder.appendingPathComponent("charts/loss-rank-8.png"))
        #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        // Regenerating replaces the folder: a chart an earlier report drew is gone, no staging folder is left behind.
        try "stale".write(to: folder.appendingPathComponent("charts/stale.svg"), atomically: true, encoding: .utf8)
        try writer.write(document, to: folder)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("charts/stale.svg").path))
        let siblings = try FileManager.default.contentsOfDirectory(atPath: folder.deletingLastPathComponent().path)
        #expect(siblings == ["grid"])
    }

    @Test(.enabled(if: gnuplotInstalled, "gnuplot is not installed: apt-get install gnuplot-nox (or scripts/setup)"))
    func aFailingScriptNamesItselfAndLeavesThePreviousReport() throws {
        let fixture = try TestStore()
        defer { fixture.cleanUp() }
        let folder = fixture.directory.appendingPathComponent("reports/grid")
        let writer = ReportWriter(gnuplot: try Gnuplot())
        let good = ReportDocument(markdown: "# old\n", figures: [])
        try writer.write(good, to: folder)
        let broken = Chart(name: "broken", title: "broken", body: "plot 'no-such-file.tsv' using 1:2 with lines", dataFiles: [])
        let bad = ReportDocument(markdown: "# new\n", figures: [ReportFigure(chart: broken, caption: "")])
        do {
            try writer.write(bad, to: folder)
            Issue.record("a missing data file should fail the render")
        } catch let ReportError.gnuplotFailed(script, _, message) {
            #expect(script.hasSuffix("charts/broken.gp"))
            #expect(message.contains("no-such-file.tsv"))
            #expect(ReportError.gnuplotFailed(script: script, status: 1, message: message).description.contains(script))
        }
        #expect(try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8) == "# old\n")
    }

    @Test func missingGnuplotSaysHowToInstallIt() {
        #expect(throws: ReportError.self) { try Gnuplot(program: "/nonexistent/gnuplot") }
        do {
            _ = try Gnuplot(program: "no-such-gnuplot-program")
        } catch {
            #expect("\(error)".contains("apt-get install gnuplot-nox"))
            #expect("\(error)".contains("scripts/setup"))
        }
    }

    @Test func unknownColourAxisIsAnError() throws {
        let fixture = try TestStore()
        defer { fixture.cleanUp() }
        #expect(throws: ReportError.unknownAxis(name: "lora.alpha", experiment: "grid", known: ["optimizer.learningRate", "lora.rank", "seed"])) {
            try ReportDocument(results: try fixture.results(), options: ReportOptions(colorAxis: "lora.alpha"), command: "")
        }
    }

    @Test func anUnknownMetricIsCalledAMetric() throws {
        let fixture = try TestStore()
        defer { fixture.cleanUp() }
        let error = #expect(throws: ReportError.self) {
            try ReportDocument(results: try fixture.results(), options: ReportOptions(metric: "eval_los"), command: "")
        }
        guard case .unknownMetric(let name, let experiment, let known)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(name == "eval_los" && experiment == "grid" && known.contains("eval_loss"))
        #expect(error!.description.hasPrefix("experiment grid recorded no metric eval_los; its metrics: "), "\(error!.description)")
        #expect(!error!.description.contains("axis"))
    }
}

extension RenderTests {
    /// A grid planned with `--set`/`--axis` says so in its report; one planned as declared says nothing of it.
    @Test func theReportNamesCommandLineOverrides() throws {
        let fixture = try TestStore()
        defer { fixture.cleanUp() }
        var subject = TestStore.subject
        subject.overrides = "--set model.quantization=fp4 --axis lora.dropout=0,0.05"
        let results = try ExperimentResults.load(from: fixture.store, subject: subject)
        let document = try ReportDocument(results: results, options: ReportOptions(), command: "qlab report grid")
        #expect(document.markdown.contains("Planned with command-line overrides: `--set model.quantization=fp4 --axis lora.dropout=0,0.05`"))
        let plain = try ReportDocument(results: try fixture.results(), options: ReportOptions(), command: "qlab report grid")
        #expect(!plain.markdown.contains("overrides"))
    }
}
