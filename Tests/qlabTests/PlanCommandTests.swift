import Foundation
import Testing

struct PlanCommandTests {
    private func planJSON(_ name: String, in directory: URL? = nil) throws -> (objects: [[String: Any]], stdout: String, stderr: String) {
        let result = try CLI.run(["plan", name, "--json"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let objects = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [[String: Any]]
        return (objects, result.stdout, result.stderr)
    }

    @Test func smokeJSONIsAnArrayOfIdStatusConfig() throws {
        let (cells, _, stderr) = try planJSON("smoke")
        #expect(cells.count == 4)
        for cell in cells {
            let id = cell["id"] as! String
            #expect(id.count == 12 && id.allSatisfy(\.isHexDigit))
            #expect(cell["status"] as? String == "pending")
            let config = cell["config"] as! [String: Any]
            let lora = config["lora"] as! [String: Any], optimizer = config["optimizer"] as! [String: Any]
            let axes = (cell["axes"] as! [[String: String]]).map { $0["name"]! + "=" + $0["value"]! }
            #expect(axes.contains("lora.rank=\(lora["rank"] as! Int)"))
            #expect((config["model"] as! [String: Any])["name"] as? String == "smollm2-135m")
            #expect([0.0002, 0.001].contains(optimizer["learningRate"] as! Double))
        }
        #expect(Set(cells.map { $0["id"] as! String }).count == 4)
        // "pending" is only printed together with the reason.
        #expect(stderr.contains("no run store"))
    }

    @Test func idsAreTheSameInEveryProcess() throws {
        let first = try planJSON("quantization-types").stdout
        let second = try planJSON("quantization-types").stdout
        #expect(first == second)
    }

    @Test func anUnreadableStoreIsNotReportedAsPending() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("runs"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(FileManager.default.createFile(atPath: directory.appendingPathComponent("runs/lineage.sqlite").path, contents: Data()))
        let (cells, _, stderr) = try planJSON("smoke", in: directory)
        #expect(cells.allSatisfy { $0["status"] as? String == "unknown" })
        #expect(stderr.contains("cannot read the store"))
    }

    @Test func tableListsCellsAndAxes() throws {
        let result = try CLI.run(["plan", "smoke"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "smoke: 4 cells")
        #expect(lines.contains { $0.hasPrefix("id") && $0.contains("optimizer.learningRate") && $0.contains("lora.rank") })
        #expect(lines.filter { $0.contains(" pending ") }.count == 4)
    }

    @Test func listingAndUnknownNames() throws {
        let list = try CLI.run(["plan"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("appendix-b") && list.stdout.contains("180"))
        let unknown = try CLI.run(["plan", "no-such-experiment"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("known: smoke"))
    }
}
