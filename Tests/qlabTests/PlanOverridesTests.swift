import Foundation
import Testing

/// `qlab plan NAME --set … --axis …`: checked overrides, new ids, and the record later plans and reports read.
struct PlanOverridesTests {
    private func runsFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("qlab-override-runs-\(UUID().uuidString)").path
    }

    /// The plan's `--json` output: an array of cell objects, or a test failure (not a crash) saying what it was.
    private func cells(_ stdout: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [[String: Any]], "\(stdout)")
    }

    private func ids(_ stdout: String) throws -> [String] {
        try cells(stdout).filter { $0["status"] as? String != "stale" }.map { try #require($0["id"] as? String, "\($0)") }
    }

    @Test func overridesGiveNewCellsShownByPlanAndRecordedForTheNextPlan() throws {
        let runs = runsFolder()
        defer { try? FileManager.default.removeItem(atPath: runs) }
        let plain = try CLI.run(["plan", "smoke", "--json", "--runs", runs])
        #expect(plain.status == 0, "\(plain.stderr)")

        let planned = try CLI.run(["plan", "smoke", "--runs", runs, "--set", "model.quantization=fp4", "--axis", "lora.dropout=0,0.05", "--save"])
        #expect(planned.status == 0, "\(planned.stderr)")
        let lines = planned.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "smoke: 8 cells")
        #expect(lines.contains("overrides: --set model.quantization=fp4 --axis lora.dropout=0,0.05 (recorded in \(runs)/smoke/overrides.json)"),
                "\(planned.stdout)")
        #expect(lines.contains { $0.hasPrefix("id") && $0.hasSuffix("lora.dropout") })
        #expect(lines.filter { $0.contains(" pending ") && $0.hasSuffix(" 0.05") }.count == 4)
        #expect(FileManager.default.fileExists(atPath: runs + "/smoke/overrides.json"))

        // Without flags the recorded overrides hold, and the plan says where they come from.
        let again = try CLI.run(["plan", "smoke", "--json", "--runs", runs])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("overrides: --set model.quantization=fp4 --axis lora.dropout=0,0.05 (recorded in"), "\(again.stderr)")
        let overridden = try ids(again.stdout)
        #expect(overridden.count == 8)
        #expect(Set(overridden).isDisjoint(with: try ids(plain.stdout)), "every configuration changed, so every id")
        for object in try cells(again.stdout) where object["status"] as? String != "stale" {
            let config = try #require(object["config"] as? [String: Any], "\(object)")
            let model = try #require(config["model"] as? [String: Any], "\(config)")
            #expect(model["quantization"] as? String == "fp4")
        }

        // --declared returns to the spec as written, and with --save forgets the record.
        let declared = try CLI.run(["plan", "smoke", "--json", "--runs", runs, "--declared", "--save"])
        #expect(declared.status == 0, "\(declared.stderr)")
        #expect(try ids(declared.stdout) == (try ids(plain.stdout)))
        #expect(!FileManager.default.fileExists(atPath: runs + "/smoke/overrides.json"))
    }

    @Test func badOverridesAreErrorsThatSayWhy() throws {
        let runs = runsFolder()
        defer { try? FileManager.default.removeItem(atPath: runs) }
        let unknown = try CLI.run(["plan", "smoke", "--runs", runs, "--set", "optimizer.lr=1e-4"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no setting optimizer.lr; the settings are:"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("optimizer.learningRate") && unknown.stderr.contains("model.quantization"))
        let type = try CLI.run(["plan", "smoke", "--runs", runs, "--axis", "steps=10,many"])
        #expect(type.status != 0)
        #expect(type.stderr.contains("steps=many: steps expects an integer"), "\(type.stderr)")
        let syntax = try CLI.run(["plan", "smoke", "--runs", runs, "--set", "steps"])
        #expect(syntax.status != 0)
        #expect(syntax.stderr.contains("--set steps: expected KEY=VALUE"), "\(syntax.stderr)")
        let varied = try CLI.run(["plan", "smoke", "--runs", runs, "--set", "lora.rank=4"])
        #expect(varied.status != 0)
        #expect(varied.stderr.contains("lora.rank is written by the experiment's axis lora.rank"), "\(varied.stderr)")
        // A failed plan records nothing.
        #expect(!FileManager.default.fileExists(atPath: runs + "/smoke/overrides.json"))
    }

    @Test func recordedOverridesThatNoLongerApplySayWhereTheyComeFrom() throws {
        let runs = runsFolder()
        defer { try? FileManager.default.removeItem(atPath: runs) }
        try FileManager.default.createDirectory(atPath: runs + "/smoke", withIntermediateDirectories: true)
        try #"{"fixed": ["optimizer.lr=1e-4"], "axes": []}"#.write(toFile: runs + "/smoke/overrides.json", atomically: true, encoding: .utf8)
        for command in ["plan", "run"] {
            let result = try CLI.run([command, "smoke", "--runs", runs])
            #expect(result.status != 0)
            #expect(result.stderr.contains("no setting optimizer.lr"), "\(result.stderr)")
            #expect(result.stderr.contains("recorded in \(runs)/smoke/overrides.json; pass --declared"), "\(result.stderr)")
        }
        let declared = try CLI.run(["plan", "smoke", "--runs", runs, "--declared", "--save"])
        #expect(declared.status == 0, "\(declared.stderr)")
        #expect(!FileManager.default.fileExists(atPath: runs + "/smoke/overrides.json"))
    }

    /// `qlab rerun CELL` finds a cell of a grid planned with overrides under the recorded ones.
    @Test func rerunFindsACellOfTheOverriddenGrid() throws {
        let runs = runsFolder()
        defer { try? FileManager.default.removeItem(atPath: runs) }
        // smoke's ids hash its data: the generated tasks, prepared beside the runs folder.
        let (data, environment) = try FinishedCells.smokeData(beside: runs)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let planned = try CLI.run(["plan", "smoke", "--json", "--runs", runs, "--axis", "lora.dropout=0,0.05", "--save"], environment: environment)
        #expect(planned.status == 0, "\(planned.stderr)")
        var found: [String: Any]?
        for object in try cells(planned.stdout) where found == nil {
            let axes = try #require(object["axes"] as? [[String: String]], "\(object)")
            if axes.contains(where: { $0["name"] == "lora.dropout" && $0["value"] == "0.05" }) { found = object }
        }
        let overridden = try #require(found, "no cell with lora.dropout=0.05: \(planned.stdout)")
        let id = try #require(overridden["id"] as? String, "\(overridden)")
        let rerun = try CLI.run(["rerun", id, "--runs", runs], environment: environment)
        // Found (it has no run yet to repeat), rather than unknown to the spec as declared.
        #expect(rerun.status != 0)
        #expect(rerun.stderr.contains("no successful run to repeat"), "\(rerun.stderr)")
    }
}
