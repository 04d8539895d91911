import Foundation
import Testing
@testable import qlab

/// One name for one setting across commands: `train --set` takes the grid keys, `merge --output-dtype` names what
/// its type is of (`--dtype` elsewhere is the 4-bit storage type).
struct VocabularyTests {
    @Test func trainTakesTheGridKeysWithSet() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-vocabulary-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        // The value reaches the configuration: its checks refuse it before any model is loaded.
        let zero = try CLI.run(["train", "--out", out, "--set", "lora.rank=0"])
        #expect(zero.status == 64, "\(zero.stderr)")
        #expect(zero.stderr.contains("--rank must be at least 1"), "\(zero.stderr)")
        let steps = try CLI.run(["train", "--out", out, "--steps", "5", "--set", "steps=0"])
        #expect(steps.status == 64 && steps.stderr.contains("--steps must be at least 1"), "--set wins over the flag: \(steps.stderr)")
        let misspelt = try CLI.run(["train", "--out", out, "--set", "lora.rnak=8"])
        #expect(misspelt.status == 64, "\(misspelt.stderr)")
        #expect(misspelt.stderr.contains("no setting lora.rnak; did you mean lora.rank?"), "\(misspelt.stderr)")
        let word = try CLI.run(["train", "--out", out, "--set", "model.quantization=nf5"])
        #expect(word.status == 64 && word.stderr.contains("expects one of nf4, fp4, int4, none"), "\(word.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/adapter"))
    }

    @Test func mergeNamesItsOutputTypeOutputDtypeAndStillTakesDtype() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-vocabulary-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let help = try CLI.run(["merge", "--help"])
        #expect(help.stdout.contains("--output-dtype <output-dtype>"), "\(help.stdout)")
        #expect(!help.stdout.contains("--dtype <"), "the old name is hidden: \(help.stdout)")
        let base = ["merge", "--adapter", "/nonexistent", "--out", out + "/m"]
        let bad = try CLI.run(base + ["--output-dtype", "nf5"])
        #expect(bad.status == 64 && bad.stderr.contains("nf5"), "\(bad.stderr)")
        let disagree = try CLI.run(base + ["--output-dtype", "float32", "--dtype", "bfloat16"])
        #expect(disagree.status == 64 && disagree.stderr.contains("disagree"), "\(disagree.stderr)")
        // The old name still parses: the command goes on to its inputs (and fails on the missing adapter).
        let old = try CLI.run(base + ["--dtype", "bfloat16"])
        #expect(old.status != 0 && !old.stderr.contains("Unknown option") && !old.stderr.contains("Usage:"), "\(old.stderr)")
    }

    /// `rank`, as charts label it, stands for `lora.rank` in `--only` (plan, rm) and `--color-by`.
    @Test func theShortNamesChartsShowSelectAxes() throws {
        let runs = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-vocabulary-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: runs) }
        let cells = try FinishedCells.make("smoke", runs: runs)
        let planned = try CLI.run(["plan", "smoke", "--only", "rank=8", "--json", "--runs", runs])
        #expect(planned.status == 0, "\(planned.stderr)")
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(planned.stdout.utf8)) as? [[String: Any]])
        #expect(objects.count == 2, "\(planned.stdout)")
        for object in objects {
            #expect((object["axes"] as? [[String: String]])?.contains { $0["name"] == "lora.rank" && $0["value"] == "8" } == true, "\(object)")
        }
        let dry = try CLI.run(["rm", "smoke", "--only", "rank=16", "--dry-run", "--runs", runs])
        #expect(dry.status == 0 && dry.stdout.contains("would remove 2 cells"), "\(dry.stdout) \(dry.stderr)")
        for c in cells where c.axes["lora.rank"] == "16" { #expect(dry.stdout.contains(c.id)) }
        let report = try CLI.run(["report", "smoke", "--color-by", "rank", "--out", runs + "/report", "--runs", runs])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try AxisShortName.resolve("rank", among: ["lora.rank", "optimizer.learningRate"], option: "--only") == "lora.rank")
        #expect(try AxisShortName.resolve("rnak", among: ["lora.rank"], option: "--only") == "rnak")
        do {
            _ = try AxisShortName.resolve("rank", among: ["lora.rank", "other.rank"], option: "--color-by")
            Issue.record("an ambiguous short name resolved")
        } catch {
            #expect("\(error)".contains("--color-by rank is ambiguous: it could be lora.rank or other.rank"), "\(error)")
        }
    }
}
