import Foundation
import Testing

struct QuantizeCommandTests {
    let model = CLI.fixture("qlora-reference/tiny-llama/base")

    func bits(_ r: [String: Any]) -> Double? { r["bitsPerParameter"] as? Double }

    func report(_ args: [String]) throws -> [String: Any] {
        let result = try CLI.run(["quantize", "--model", model, "--json"] + args)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
    }

    @Test func bitsPerParameterAndErrorsByDataType() throws {
        let dq = try report(["--dtype", "nf4", "--double-quant"])
        let plain = try report(["--dtype", "nf4", "--no-double-quant"])
        // Double quantization is the default, as the paper trains (and as train, eval, generate and merge take it).
        #expect(bits(try report(["--dtype", "nf4"])) == bits(dq))
        // 4 bits + 8/64 + 32/(64·256) + one 32-bit offset per tensor ≈ 4.127 with double quantization; 4.5 without.
        let dqBits = dq["bitsPerParameter"] as! Double
        #expect(dqBits > 4.125 && dqBits < 4.135, "\(dqBits)")
        #expect(plain["bitsPerParameter"] as! Double == 4.5)
        let layers = dq["layers"] as! [[String: Any]]
        #expect(layers.count == 14)
        #expect(layers.allSatisfy { ($0["name"] as! String).hasPrefix("model.layers.") })
        func rmse(_ r: [String: Any]) -> Double { (r["total"] as! [String: Any])["rmse"] as! Double }
        let fp4 = try report(["--dtype", "fp4", "--no-double-quant"]), int4 = try report(["--dtype", "int4", "--no-double-quant"])
        #expect(rmse(plain) < rmse(fp4))
        #expect(rmse(plain) < rmse(int4))
        // NF4 with blocks of 64 on weights of RMS ~0.02: the error is a few percent of the RMS, never zero.
        let total = plain["total"] as! [String: Any]
        let relative = (total["rmse"] as! Double) / (total["rms"] as! Double)
        #expect(relative > 0.02 && relative < 0.2, "\(relative)")
    }

    @Test func tablePrintsEveryLayerAndTheTotal() throws {
        let result = try CLI.run(["quantize", model, "--double-quant"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("model.layers.1.mlp.down_proj.weight") })
        #expect(lines.last!.hasPrefix("total") && lines.last!.contains("4.128"))
    }

    @Test func badInputIsAClearError() throws {
        let missing = try CLI.run(["quantize", "/no/such/model"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/no/such/model"))
        let blocksize = try CLI.run(["quantize", model, "--blocksize", "100"])
        #expect(blocksize.status != 0)
        #expect(blocksize.stderr.contains("--blocksize"))
        let dtype = try CLI.run(["quantize", model, "--dtype", "nf3"])
        #expect(dtype.status != 0)
    }

    @Test func theModelIsTakenAsEveryCommandTakesIt() throws {
        // --model and the earlier positional form give the same report; both at once is a bad command line.
        let positional = try CLI.run(["quantize", model, "--json"])
        let named = try CLI.run(["quantize", "--model", model, "--json"])
        #expect(positional.status == 0 && named.status == 0, "\(positional.stderr) \(named.stderr)")
        #expect(positional.stdout == named.stdout)
        let both = try CLI.run(["quantize", model, "--model", model])
        #expect(both.status == 64 && both.stderr.contains("give the model once"), "\(both.stderr)")
        let unknown = try CLI.run(["quantize", "--model", "smollm9"])
        #expect(unknown.status != 0 && unknown.stderr.contains("not a known model name"), "\(unknown.stderr)")
    }

    static let smolLM2 = CLI.packageRoot.path + "/.cache/models/smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: smolLM2), "SmolLM2 is not fetched (run scripts/setup): skipped"))
    func aGGUFModelIsDequantizedThenMeasured() throws {
        let result = try CLI.run(["quantize", "--model", Self.smolLM2, "--json", "--no-double-quant"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let layers = try #require(report["layers"] as? [[String: Any]])
        // SmolLM2-135M: 30 blocks of 7 projections; 4 bits + one float32 constant per 64 = 4.5 bits, plus one
        // offset per tensor at most.
        #expect(layers.count == 210)
        let total = try #require(report["total"] as? [String: Any])
        #expect(total["parameters"] as? Int == 30 * (2 * 576 * 576 + 2 * 192 * 576 + 3 * 1536 * 576))
        let bits = try #require(report["bitsPerParameter"] as? Double)
        #expect(bits >= 4.5 && bits < 4.501, "\(bits)")
    }
}
