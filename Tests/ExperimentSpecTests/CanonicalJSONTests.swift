import Foundation
import Testing
@testable import ExperimentSpec

struct CanonicalJSONTests {
    @Test func numbersHaveOneSpelling() {
        let cases: [(Double, String)] = [
            (0, "0"), (-0.0, "0"), (1, "1"), (-3, "-3"), (16, "16"), (0.1, "0.1"), (0.3, "0.3"), (2e-4, "0.0002"),
            (1e-4, "0.0001"), (0.05, "0.05"), (0.999, "0.999"), (1e-6, "0.000001"), (1e-7, "1e-7"), (1e-8, "1e-8"),
            (1.5e-8, "1.5e-8"), (123.456, "123.456"), (-1.5, "-1.5"), (1e20, "100000000000000000000"),
            (1e21, "1e+21"), (1.2345678901234568e+17, "123456789012345680"), (Double.leastNonzeroMagnitude, "5e-324"),
            (Double.greatestFiniteMagnitude, "1.7976931348623157e+308"), (0.1 + 0.2, "0.30000000000000004"),
        ]
        for (value, spelling) in cases {
            #expect(CanonicalJSON.number(value) == spelling, "\(value)")
            // The spelling reads back to the same double.
            #expect(Double(spelling) == value || (value == 0 && Double(spelling) == 0))
        }
    }

    @Test func integersAndSeedsPrintExactly() throws {
        #expect(try CanonicalJSON.string([UInt64.max]) == "[18446744073709551615]")
        #expect(try CanonicalJSON.string([Int64.min]) == "[-9223372036854775808]")
        #expect(try CanonicalJSON.string([Float(0.1)]) == "[0.1]")
    }

    private struct Unordered: Encodable {
        var zeta = 1
        var alpha = "a"
        var Mid = true
        var nested = ["b": 2.5, "a": -0.0]
        var list = [3, 1, 2]
        var nothing: Int? = nil
    }

    @Test func keysSortedArraysInOrderNoWhitespace() throws {
        #expect(try CanonicalJSON.string(Unordered()) == #"{"Mid":true,"alpha":"a","list":[3,1,2],"nested":{"a":0,"b":2.5},"zeta":1}"#)
    }

    @Test func stringsEscapeOnlyWhatJSONRequires() throws {
        #expect(try CanonicalJSON.string(["q\"b\\s/\n\t\u{01}é€😀"]) == "[\"q\\\"b\\\\s/\\n\\t\\u0001é€😀\"]")
    }

    @Test func nonFiniteNumbersAreErrors() {
        #expect(throws: CanonicalJSONError.self) { try CanonicalJSON.string([Double.nan]) }
        var config = TrainingConfig()
        config.optimizer.learningRate = .infinity
        #expect(throws: CanonicalJSONError.nonFiniteNumber(path: "optimizer.learningRate", value: "inf")) {
            try CanonicalJSON.string(config)
        }
    }

    @Test func configurationEncodesTheSameBytesEveryTime() throws {
        var config = TrainingConfig()
        config.lora.targets = LoRASettings.LayerSet.attention.targets
        let first = try CanonicalJSON.string(config)
        for _ in 0..<20 { #expect(try CanonicalJSON.string(config) == first) }
        // And it is JSON that reads back to the same configuration.
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: Data(first.utf8)) == config)
    }

    /// Written by hand from TrainingConfig's fields: adding a setting changes this text on purpose, since every
    /// cell id changes with it.
    @Test func smallCellMatchesHandWrittenJSON() throws {
        let cells = try Experiment("tiny") {
            Model.smolLM2_135M
            Dataset.tasks(.english)
            QLoRA.paperDefaults.scaled(steps: 30, batchSize: 4, sourceLength: 64, targetLength: 32)
            Axis(\.lora.rank, [8])
            Evaluate { HeldOutLoss(maxExamples: 64) }
        }.cells()
        #expect(cells.count == 1)
        let expected = """
            {"batchSize":4,"checkpointEvery":250,\
            "data":{"datasets":["tasks-en"],"evalSize":0.1,"format":"auto","groupByLength":true,\
            "skipBadLines":false,"sourceMaxLength":64,"splitSeed":42,"targetMaxLength":32,"trainOnSource":false},\
            "evalEvery":0,\
            "evaluation":{"exactAnswers":[],"heldOutLoss":{"maxExamples":64,"minTokens":2000},"multipleChoice":[],"perplexity":[],"tournament":null},\
            "fullFineTune":false,"gradientAccumulation":1,"gradientCheckpointing":true,\
            "lora":{"alpha":16,"dropout":0.1,"rank":8,"targets":["q_proj","k_proj","v_proj","o_proj","gate_proj","up_proj","down_proj"],\
            "useRSLoRA":false},\
            "model":{"blocksize":64,"doubleQuant":true,"name":"smollm2-135m","quantization":"nf4"},\
            "optimizer":{"beta1":0.9,"beta2":0.999,"epsilon":1e-8,"kind":"paged-adamw","learningRate":0.0002,\
            "maxGradNorm":0.3,"weightDecay":0},\
            "schedule":{"kind":"constant","warmupSteps":0},\
            "seed":0,"steps":30,"threads":1}
            """
        #expect(try cells[0].canonicalJSON() == expected)
        #expect(cells[0].axisValues == [Cell.AxisValue(name: "lora.rank", value: "8")])
    }
}
