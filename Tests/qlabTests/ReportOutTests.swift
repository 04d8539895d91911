import Foundation
import Testing

/// `qlab report --out PATH` replaces the folder at PATH: it must refuse every folder that is not a report,
/// before it reads anything. Each case runs in a scratch folder of its own, never the checkout.
struct ReportOutTests {
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-report-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url.appendingPathComponent("mine/sub"), withIntermediateDirectories: true)
        try "keep".write(to: url.appendingPathComponent("mine/important.txt"), atomically: false, encoding: .utf8)
        try "keep".write(to: url.appendingPathComponent("mine/sub/also.txt"), atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(at: url.appendingPathComponent("runs"), withIntermediateDirectories: true)
        try "".write(to: url.appendingPathComponent("runs/lineage.sqlite"), atomically: false, encoding: .utf8)
        return url
    }

    @Test func foldersThatAreNotReportsAreRefusedAndKept() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let before = try FileManager.default.subpathsOfDirectory(atPath: root.path).sorted()
        for out in ["mine", ".", "runs", root.path + "/mine", "mine/"] {
            let r = try CLI.run(["report", "smoke", "--out", out], in: root)
            #expect(r.status == 1, "--out \(out): \(r.stderr)")
            #expect(r.stderr.contains("will not write a report into"), "--out \(out): \(r.stderr)")
        }
        let empty = try CLI.run(["report", "smoke", "--out", ""], in: root)
        #expect(empty.status == 64, "\(empty.stderr)")
        #expect(empty.stderr.contains("--out is empty"))
        let escaping = try CLI.run(["report", "../../x"], in: root)
        #expect(escaping.status == 64, "\(escaping.stderr)")
        #expect(try FileManager.default.subpathsOfDirectory(atPath: root.path).sorted() == before)
    }
}
