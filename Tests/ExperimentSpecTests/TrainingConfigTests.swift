import Foundation
import Testing
@testable import ExperimentSpec

struct TrainingConfigTests {
    @Test func defaultsAreTheQLoRAPaperSettings() {
        let c = TrainingConfig()
        #expect(c.lora.rank == 64 && c.lora.alpha == 16 && c.lora.targets.count == 7)
        #expect(c.optimizer.kind == .pagedAdamW && c.optimizer.beta2 == 0.999 && c.optimizer.maxGradNorm == 0.3)
        #expect(c.schedule.kind == .constant && c.model.quantization == .nf4 && c.model.doubleQuant)
        #expect(c.batchSize == 16 && c.steps == 10_000 && c.data.groupByLength)
    }

    @Test func roundTripsThroughJSON() throws {
        var c = TrainingConfig()
        c.lora.targets = LoRASettings.LayerSet.attentionAndFFNOutput.targets
        c.optimizer.learningRate = 1e-4
        let data = try JSONEncoder().encode(c)
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: data) == c)
    }
}
