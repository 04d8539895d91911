import Foundation
import Lineage
import Testing
@testable import Reports

/// Text from cell files reaches gnuplot scripts as titles, labels and tic labels; none of it may run.
@Suite struct GnuplotInjectionTests {
    @Test func htmlInTableCellsIsText() {
        #expect(MarkdownTable.inert("<script>x</script> < 0.001 a<b") == "&lt;script>x&lt;/script> < 0.001 a&lt;b")
        #expect(MarkdownTable.inert("<!-- hidden -->") == "&lt;!-- hidden -->")
    }

    @Test func stringsCannotEndTheirQuotesOrLines() {
        #expect(GnuplotText.doubleQuoted("a`id`b") == #""a\`id\`b""#)
        #expect(GnuplotText.doubleQuoted("x\\`id`") == #""x\\\`id\`""#)
        #expect(GnuplotText.doubleQuoted("two\nlines\r\"q\"") == #""two\nlines \"q\"""#)
        #expect(GnuplotText.quoted("it's\n`x`") == "'it''s `x`'")
        #expect(GnuplotText.comment("title\nsystem 'id' \\") == "title system 'id' /")
        #expect(GnuplotText.field("a\tb\nc") == "a b c")
    }

    /// A grid whose axis values, as a crafted `run.json` could carry them, hold back-quoted commands, quotes,
    /// newlines and backslashes; the whole report is rendered, and the commands must not have run.
    @Test(.enabled(if: gnuplotInstalled, "gnuplot is not installed: apt-get install gnuplot-nox (or scripts/setup)"))
    func backQuotedValuesFromCellFilesDoNotRun() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-inject-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let witness = root.appendingPathComponent("witness").path
        let store = try LineageStore(path: root.appendingPathComponent("lineage.sqlite").path)
        let hostile = ["8`id>\(witness)-1`", "16\"`id>\(witness)-2`\"", "x\n`id>\(witness)-3`\\", "y'`id>\(witness)-4`'\\",
                       "<img src=x onerror=alert(1)>"]
        var definitions: [CellDefinition] = []
        for (i, value) in hostile.enumerated() {
            for seed in 0..<2 {
                let axes = try String(decoding: JSONSerialization.data(withJSONObject: ["lora.rank": value, "seed": "\(seed)"]), as: UTF8.self)
                definitions.append(CellDefinition(id: String(format: "c%02d%d", i, seed) + String(repeating: "0", count: 9),
                                                  config: #"{"seed":\#(seed)}"#, axisValues: axes))
            }
        }
        try store.recordExperiment(ExperimentRecord(name: "grid", description: "`id>\(witness)-5`", specHash: nil), cells: definitions)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        var runs: [String] = []
        for (n, cell) in definitions.enumerated() {
            let run = try store.startRun(RunRecord(cell: cell.id, started: t0, gitCommit: "0123456789abcdef", gitDirty: false,
                                                   hostname: "host`id>\(witness)-6`", pid: nil, blasCore: "Haswell", threads: 1, seed: 0))
            try store.appendMetrics(run: run, (1...4).map { MetricPoint(step: $0, name: "loss", value: 3 - 0.1 * Double($0 + n)) })
            try store.recordFinalMetrics(run: run, ["eval_loss": 2 + 0.1 * Double(n), "tokens_per_second": 100 + Double(n),
                                                    "memory_base_mib": 160, "memory_trainable_mib": 150, "memory_optimizer_mib": 150,
                                                    "memory_activations_mib": 1000 + Double(n), "peak_rss_mib": 2000])
            try store.finishRun(id: run, status: .succeeded, ended: t0.addingTimeInterval(60))
            runs.append(cell.id)
        }
        try store.recordRatings(runs.prefix(3).enumerated().map { i, cell in
            RatingRecord(tournament: "grid", cell: cell, method: "elo", rating: 1000 + Double(10 * i), lower: 990, upper: 1040)
        })
        let subject = ReportSubject(name: "grid", axes: ["lora.rank", "seed"], evaluationMetrics: ["eval_loss"])
        let results = try ExperimentResults.load(from: store, subject: subject)
        let document = try ReportDocument(results: results, options: ReportOptions(), command: "qlab report grid")
        #expect(document.figures.count >= 3)
        #expect(document.figures.contains { $0.chart.name == "memory-by-part" }, "the stacked memory chart, with the hostile labels, is rendered too")
        let folder = root.appendingPathComponent("reports/grid")
        try ReportWriter(gnuplot: try Gnuplot()).write(document, to: folder)
        let made = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix("witness") }
        #expect(made.isEmpty, "gnuplot ran a back-quoted value: \(made)")
        // The values are shown as they are, not dropped: the first one's text is in a chart.
        let svgs = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("charts").path).filter { $0.hasSuffix(".svg") }
        let text = try svgs.map { try String(contentsOf: folder.appendingPathComponent("charts/" + $0), encoding: .utf8) }.joined()
        #expect(text.contains("8`id&gt;") || text.contains("8`id>"), "the back-quoted value is not shown in any chart")
        // HTML from a cell file is shown as text in the page, not rendered.
        let page = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(page.contains("&lt;img src=x onerror=alert(1)>"))
        #expect(!page.contains("<img"))
    }
}
