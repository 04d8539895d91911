import Foundation
import Testing
@testable import Models
import Tensors

struct AdapterMergeTests {
    @Test func mergedCheckpointGivesTheLogitsOfBasePlusAdapter() throws {
        let checkpoint = try HuggingFaceCheckpoint(directory: TestPaths.tinyLlama)
        let model = try checkpoint.model { _, w in FrozenLinear(dense: w) }
        let adapter = try LoRAAdapter.load(directory: TestPaths.fixture("qlora-reference/tiny-llama/r8_a16_lr1e-3_all_dq/adapter_final_cuda"),
                                           config: model.config)
        let tokens = [257, 49, 50, 43, 51, 52, 61]
        let expected = try model.forward(tokens: tokens, batch: 1, sequence: tokens.count, adapter: adapter).scalars
        let plain = try model.forward(tokens: tokens, batch: 1, sequence: tokens.count).scalars
        for (type, tolerance) in [(AdapterMerge.OutputType.float32, 1e-5), (.bfloat16, 2e-2)] {
            let out = try TestPaths.temporaryDirectory().path
            try AdapterMerge.write(model: model, adapter: adapter, to: out, type: type)
            let reloaded = try HuggingFaceCheckpoint(directory: out)
            #expect(reloaded.config == model.config)
            let merged = try reloaded.model { _, w in FrozenLinear(dense: w) }
            let got = try merged.forward(tokens: tokens, batch: 1, sequence: tokens.count).scalars
            #expect(relativeError(got, expected) < tolerance, "\(type)")
            #expect(relativeError(plain, expected) > 10 * tolerance, "the adapter must matter for the test to mean anything")
        }
    }
}
