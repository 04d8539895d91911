import Testing
@testable import ExperimentSpec

struct PresetTests {
    @Test func paperDefaultsAreAppendixB2() throws {
        let c = try QLoRA.paperDefaults.configuration(for: .smolLM2_135M)
        #expect(c.lora.rank == 64 && c.lora.alpha == 16 && c.lora.dropout == 0.1)
        #expect(c.lora.targets == [.q, .k, .v, .o, .gate, .up, .down])
        #expect(c.schedule.kind == .constant && c.optimizer.maxGradNorm == 0.3 && c.optimizer.beta2 == 0.999)
        #expect(c.optimizer.kind == .pagedAdamW && c.optimizer.weightDecay == 0)
        #expect(c.model.quantization == .nf4 && c.model.doubleQuant && c.model.blocksize == 64)
        #expect(c.data.groupByLength && c.gradientCheckpointing)
    }

    @Test func dropoutDependsOnModelSize() throws {
        #expect(QLoRA.loraDropout(parameters: 7_000_000_000) == 0.1)
        #expect(QLoRA.loraDropout(parameters: 13_000_000_000) == 0.1)
        #expect(QLoRA.loraDropout(parameters: 33_000_000_000) == 0.05)
        #expect(QLoRA.loraDropout(parameters: 65_000_000_000) == 0.05)
        #expect(try QLoRA.paperDefaults.configuration(for: Model.path("/m", parameters: 65_000_000_000)).lora.dropout == 0.05)
        #expect(try QLoRA.paperDefaults(parameters: 33_000_000_000).configuration().lora.dropout == 0.05)
    }

    @Test func table9MatchesThePaper() {
        typealias R = (Table9.ModelSize, Table9.DatasetColumn, Int, Double, Int, Int?, Int)
        let paper: [R] = [
            (.b7, .all, 16, 2e-4, 10000, 384, 128), (.b7, .oasst1, 16, 2e-4, 1875, nil, 512),
            (.b7, .hhRLHF, 16, 2e-4, 10000, nil, 768), (.b7, .longform, 16, 2e-4, 4000, 512, 1024),
            (.b13, .all, 16, 2e-4, 10000, 384, 128), (.b13, .oasst1, 16, 2e-4, 1875, nil, 512),
            (.b13, .hhRLHF, 16, 2e-4, 10000, nil, 768), (.b13, .longform, 16, 2e-4, 4000, 512, 1024),
            (.b33, .all, 32, 1e-4, 5000, 384, 128), (.b33, .oasst1, 16, 1e-4, 1875, nil, 512),
            (.b33, .hhRLHF, 32, 1e-4, 5000, nil, 768), (.b33, .longform, 32, 1e-4, 2343, 512, 1024),
            (.b65, .all, 64, 1e-4, 2500, 384, 128), (.b65, .oasst1, 16, 1e-4, 1875, nil, 512),
            (.b65, .hhRLHF, 64, 1e-4, 2500, nil, 768), (.b65, .longform, 32, 1e-4, 2343, 512, 1024),
        ]
        #expect(Table9.rows.count == paper.count)
        for (row, p) in zip(Table9.rows, paper) {
            #expect(row.size == p.0 && row.dataset == p.1 && row.batchSize == p.2 && row.learningRate == p.3, "\(p)")
            #expect(row.steps == p.4 && row.sourceLength == p.5 && row.targetLength == p.6, "\(p)")
        }
        #expect(Table9.learningRates == [1e-4, 2e-4])
    }

    @Test func table9RowPresetSetsItsNumbers() throws {
        let c = try Table9.row(.b33, .oasst1).preset.configuration()
        #expect(c.batchSize == 16 && c.optimizer.learningRate == 1e-4 && c.steps == 1875)
        #expect(c.data.sourceMaxLength == DataSettings.noLengthLimit && c.data.targetMaxLength == 512)
    }

    @Test func scaledReplacesOnlyWhatItIsGiven() throws {
        let full = try QLoRA.paperDefaults.configuration(for: .smolLM2_135M)
        let small = try QLoRA.paperDefaults.scaled(steps: 30, batchSize: 4, sourceLength: 64, targetLength: 32)
            .configuration(for: .smolLM2_135M)
        #expect(small.steps == 30 && small.batchSize == 4 && small.data.sourceMaxLength == 64 && small.data.targetMaxLength == 32)
        var expected = small
        expected.steps = full.steps
        expected.batchSize = full.batchSize
        expected.data.sourceMaxLength = full.data.sourceMaxLength
        expected.data.targetMaxLength = full.data.targetMaxLength
        #expect(expected == full)
        let row = try Table9.row(.b65, .all).scaled(steps: 25).configuration()
        #expect(row.steps == 25 && row.batchSize == 64 && row.optimizer.learningRate == 1e-4)
    }

    @Test func appendixA1GridHasEveryCombination() throws {
        #expect(AppendixA1.dropouts == [0, 0.05, 0.1])
        #expect(AppendixA1.ranks == [8, 16, 32, 64, 128, 256])
        #expect(AppendixA1.layerSets.count == 5 && Set(AppendixA1.layerSets).count == 5)
        let rows = try AppendixA1.grid(learningRates: [1e-4, 2e-4]).rows()
        #expect(rows.count == 3 * 6 * 5 * 2)
        #expect(rows[0].map(\.axis) == ["lora.dropout", "lora.rank", "lora.layers", "optimizer.learningRate"])
        #expect(rows.last!.map(\.value) == ["0.1", "256", "attention+ffn-output", "0.0002"])
    }
}
