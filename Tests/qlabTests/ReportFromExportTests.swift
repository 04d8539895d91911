import Foundation
import Lineage
import Support
import Testing
import ZIPFoundation

/// A committed page is rebuilt from the committed lineage export on a checkout that has no store.
@Suite struct ReportFromExportTests {
    static func temporary(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Every file under `folder`, by relative path.
    static func files(_ folder: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            out[String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))] = try Data(contentsOf: url)
        }
        return out
    }

    @Test func aCheckoutWithoutAStoreRebuildsThePageByteForByteFromTheExport() throws {
        let root = try Self.temporary("report-export")
        defer { try? FileManager.default.removeItem(at: root) }
        let runs = root.appendingPathComponent("runs").path
        let (data, environment) = try FinishedCells.smokeData(beside: runs)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let cells = try FinishedCells.make("smoke", runs: runs, environment: environment)
        // Loss curves, so the page has charts drawn from per-step rows too.
        for (i, cell) in cells.enumerated() {
            try CellDirectory(url: URL(fileURLWithPath: cell.folder)).appendSteps((1...8).map {
                StepLine(step: $0, loss: 3.0 - 0.1 * Double($0) - 0.05 * Double(i), gradNorm: 0.3 + 0.01 * Double($0), lr: 2e-4,
                         tokens: 96 + $0, seconds: 0.7 + 0.01 * Double(i))
            })
        }
        #expect(try FinishedCells.statuses("smoke", runs: runs, environment: environment).values.allSatisfy { $0 == "done" })
        let store = try LineageStore(path: runs + "/lineage.sqlite")
        try store.recordRatings(cells.enumerated().map { RatingRecord(tournament: "smoke", cell: $1.id, method: "elo", rating: 1000 + 7.5 * Double($0), lower: 980, upper: 1030) })

        let page = try CLI.run(["report", "smoke"], in: root)
        #expect(page.status == 0, "\(page.stderr)")
        let exported = try CLI.run(["export", "smoke", "--lineage", "--out", "reports/lineage.jsonl.zip"], in: root)
        #expect(exported.status == 0, "\(exported.stderr)")
        // The zip's bytes depend on the rows alone: the same export twice is the same file.
        let zipped = try Data(contentsOf: root.appendingPathComponent("reports/lineage.jsonl.zip"))
        #expect(try CLI.run(["export", "smoke", "--lineage", "--out", "reports/lineage.jsonl.zip"], in: root).status == 0)
        #expect(try Data(contentsOf: root.appendingPathComponent("reports/lineage.jsonl.zip")) == zipped)
        #expect(zipped.count > 0 && zipped.prefix(2) == Data("PK".utf8))
        let plain = try CLI.run(["export", "smoke", "--lineage", "--out", "plain.jsonl"], in: root)
        #expect(plain.status == 0, "\(plain.stderr)")
        let original = try Self.files(root.appendingPathComponent("reports/smoke"))
        #expect(original["README.md"] != nil && original.keys.contains { $0.hasSuffix(".png") }, "\(original.keys.sorted())")

        // A fresh checkout: the committed pages and the export, no runs folder.
        let fresh = try Self.temporary("report-fresh")
        defer { try? FileManager.default.removeItem(at: fresh) }
        try FileManager.default.copyItem(at: root.appendingPathComponent("reports"), to: fresh.appendingPathComponent("reports"))
        try FileManager.default.removeItem(at: fresh.appendingPathComponent("reports/smoke/README.md"))
        let again = try CLI.run(["report", "smoke"], in: fresh)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("reporting from the lineage export reports/lineage.jsonl.zip"), "\(again.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fresh.appendingPathComponent("runs").path))
        let rebuilt = try Self.files(fresh.appendingPathComponent("reports/smoke"))
        #expect(rebuilt.keys.sorted() == original.keys.sorted())
        for (path, bytes) in original { #expect(rebuilt[path] == bytes, "\(path) differs") }

        // --from names an export explicitly, plain or zipped: the plain one makes the same page.
        try FileManager.default.copyItem(at: root.appendingPathComponent("plain.jsonl"), to: fresh.appendingPathComponent("plain.jsonl"))
        let named = try CLI.run(["report", "smoke", "--from", "plain.jsonl", "--out", "reports/copy"], in: fresh)
        #expect(named.status == 0, "\(named.stderr)")
        #expect(try Self.files(fresh.appendingPathComponent("reports/copy"))["README.md"] != nil)
        // One that lacks the experiment says what it holds.
        let wrong = try CLI.run(["report", "lora-layers", "--from", "reports/lineage.jsonl.zip"], in: fresh)
        #expect(wrong.status != 0 && wrong.stderr.contains("holds no lora-layers (it holds smoke)"), "\(wrong.stderr)")

        // `qlab import` puts the rows into a store of the user's own; a second import adds nothing.
        let imported = try CLI.run(["import", "reports/lineage.jsonl.zip", "--runs", "mine"], in: fresh)
        #expect(imported.status == 0, "\(imported.stderr)")
        let mine = try LineageStore(path: fresh.appendingPathComponent("mine/lineage.sqlite").path)
        #expect(try mine.cells(experiment: "smoke").map(\.cell) == cells.map(\.id))
        let twice = try CLI.run(["import", "reports/lineage.jsonl.zip", "--runs", "mine"], in: fresh)
        #expect(twice.status == 0 && twice.stdout.contains("0 rows added"), "\(twice.stdout)")
        // The plain export holds the same rows as the zipped one.
        let fromPlain = try CLI.run(["import", "plain.jsonl", "--runs", "mine"], in: fresh)
        #expect(fromPlain.status == 0 && fromPlain.stdout.contains("0 rows added"), "\(fromPlain.stdout)")

        // A file named .zip that is not a zip, or a zip of two members, is refused by name.
        try Data("{\"format\": \"qlab-lineage\"}\n".utf8).write(to: fresh.appendingPathComponent("fake.zip"))
        let fake = try CLI.run(["import", "fake.zip", "--runs", "mine"], in: fresh)
        #expect(fake.status != 0 && fake.stderr.contains("fake.zip"), "\(fake.stderr)")
        let two = fresh.appendingPathComponent("two.zip")
        let archive = try Archive(url: two, accessMode: .create)
        for name in ["a.jsonl", "b.jsonl"] {
            try archive.addEntry(with: name, type: .file, uncompressedSize: 2) { (_: Int64, _: Int) in Data("{}".utf8) }
        }
        let doubled = try CLI.run(["report", "smoke", "--from", "two.zip", "--out", "reports/two"], in: fresh)
        #expect(doubled.status != 0 && doubled.stderr.contains("two.zip: a zipped lineage export holds exactly one member, this one 2"), "\(doubled.stderr)")
    }
}
