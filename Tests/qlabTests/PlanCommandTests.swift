import Foundation
import Testing

struct PlanCommandTests {
    /// A fresh runs folder, so that statuses come from an empty store whatever the checkout has run.
    private func freshRuns() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    private func planJSON(_ name: String, runs: URL) throws -> (objects: [[String: Any]], stdout: String) {
        let result = try CLI.run(["plan", name, "--json", "--runs", runs.appendingPathComponent("runs").path])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [[String: Any]]
        return (objects, result.stdout)
    }

    @Test func smokeJSONIsAnArrayOfIdStatusConfig() throws {
        let runs = try freshRuns()
        defer { try? FileManager.default.removeItem(at: runs) }
        let (cells, _) = try planJSON("smoke", runs: runs)
        #expect(cells.count == 4)
        for cell in cells {
            let id = cell["id"] as! String
            #expect(id.count == 12 && id.allSatisfy(\.isHexDigit))
            // Nothing has run in an empty store.
            #expect(cell["status"] as? String == "pending")
            let config = cell["config"] as! [String: Any]
            let lora = config["lora"] as! [String: Any], optimizer = config["optimizer"] as! [String: Any]
            let axes = (cell["axes"] as! [[String: String]]).map { $0["name"]! + "=" + $0["value"]! }
            #expect(axes.contains("lora.rank=\(lora["rank"] as! Int)"))
            #expect((config["model"] as! [String: Any])["name"] as? String == "smollm2-135m")
            #expect([0.0002, 0.001].contains(optimizer["learningRate"] as! Double))
        }
        #expect(Set(cells.map { $0["id"] as! String }).count == 4)
    }

    @Test func idsAreTheSameInEveryProcess() throws {
        let a = try freshRuns(), b = try freshRuns()
        defer { for d in [a, b] { try? FileManager.default.removeItem(at: d) } }
        let first = try planJSON("quantization-types", runs: a).stdout
        let second = try planJSON("quantization-types", runs: b).stdout
        #expect(first == second)
    }

    @Test func anUnreadableStoreIsAnErrorNotAStatus() throws {
        let runs = try freshRuns()
        defer { try? FileManager.default.removeItem(at: runs) }
        try FileManager.default.createDirectory(at: runs.appendingPathComponent("runs"), withIntermediateDirectories: true)
        try Data("not a database\n".utf8).write(to: runs.appendingPathComponent("runs/lineage.sqlite"))
        let result = try CLI.run(["plan", "smoke", "--json", "--runs", runs.appendingPathComponent("runs").path])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("lineage.sqlite"), "\(result.stderr)")
    }

    @Test func tableListsCellsAndAxes() throws {
        let runs = try freshRuns()
        defer { try? FileManager.default.removeItem(at: runs) }
        let result = try CLI.run(["plan", "smoke", "--runs", runs.appendingPathComponent("runs").path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "smoke: 4 cells")
        #expect(lines.contains { $0.hasPrefix("id") && $0.contains("optimizer.learningRate") && $0.contains("lora.rank") })
        #expect(lines.filter { $0.contains(" pending ") }.count == 4)
        #expect(lines.contains("4 pending"))
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
