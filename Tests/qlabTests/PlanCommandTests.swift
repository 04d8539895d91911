import Foundation
import Testing

struct PlanCommandTests {
    /// A fresh runs folder, so that no earlier run's statuses leak in.
    private func runsFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("qlab-plan-runs-\(UUID().uuidString)").path
    }

    private func planJSON(_ name: String, runs: String? = nil) throws -> (objects: [[String: Any]], stdout: String, stderr: String) {
        let result = try CLI.run(["plan", name, "--json", "--runs", runs ?? runsFolder()])
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
        _ = stderr
    }

    @Test func idsAreTheSameInEveryProcess() throws {
        let first = try planJSON("quantization-types").stdout
        let second = try planJSON("quantization-types").stdout
        #expect(first == second)
    }

    @Test func anUnreadableStoreIsAnErrorNotPending() throws {
        let runs = runsFolder()
        try FileManager.default.createDirectory(atPath: runs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: runs) }
        #expect(FileManager.default.createFile(atPath: runs + "/lineage.sqlite", contents: Data(repeating: 0x41, count: 4096)))
        let result = try CLI.run(["plan", "smoke", "--json", "--runs", runs])
        #expect(result.status != 0)
        #expect(result.stderr.contains("lineage.sqlite"), "\(result.stderr)")
    }

    @Test func tableListsCellsAndAxes() throws {
        let result = try CLI.run(["plan", "smoke", "--runs", runsFolder()])
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
