import ExperimentSpec
import Foundation
import Testing
import Llama
import Tensors
@testable import Training

/// Replays the reference QLoRA run step by step with the graph and optimizer directly.
struct GraphReplayTests {
    func replay(adapterDirectory: String, optimizer kind: OptimizerKind, checkpointing: Bool, steps: Int = 40)
        throws -> (losses: [Double], norms: [Double], adapter: LoRAAdapter, model: LlamaModel) {
        let checkpoint = try HuggingFaceCheckpoint(directory: TrainingPaths.tinyLlama)
        let model = try checkpoint.model { _, w in try FrozenLinear(weight: w, quantization: .qlora) }
        let adapter = try LoRAAdapter.load(directory: adapterDirectory, config: model.config)
        let parameters = LoRAParameters(adapter: adapter, config: model.config)
        let graph = TrainingGraph(model: model, parameters: parameters, batch: 4, sequence: 32, checkpointing: checkpointing)
        let optimizer = try AdamWOptimizer(settings: OptimizerSettings(kind: kind, learningRate: 1e-3, weightDecay: 0, maxGradNorm: 0.3),
                                           count: parameters.count, tensors: parameters.tensorRanges,
                                           pagedDirectory: try TrainingPaths.temporaryDirectory().path)
        let file = try SafeTensorsFile(path: TrainingPaths.batches)
        var losses: [Double] = [], norms: [Double] = []
        for step in 0..<steps {
            let s = String(format: "step%03d", step)
            let ids = try file.integers(s + "_input_ids"), mask = try file.integers(s + "_attention_mask"), labels = try file.integers(s + "_labels")
            let count = CrossEntropyHead.targets(labels: labels, batch: 4, sequence: 32).count
            parameters.gradients.zero()
            let (sum, _) = try graph.accumulateGradients(tokens: ids, attentionMask: mask, labels: labels, normalizer: count, dropoutKey: 0)
            losses.append(sum / Double(count))
            norms.append(GradientClipping.clip(parameters.gradients.pointer, count: parameters.count, maxNorm: 0.3))
            optimizer.update(parameters: parameters.values.pointer, gradients: parameters.gradients.pointer, lr: 1e-3)
        }
        return (losses, norms, parameters.adapter(), model)
    }

    @Test func lossesGradientNormsAndAdapterMatchTheReferenceRun() throws {
        let reference = try TrainingPaths.referenceJSON(TrainingPaths.run + "/reference.json")
        let cuda = reference["results"]!["cuda"]!
        let expectedLosses = cuda["losses"]!.array!.map { $0.double! }
        let expectedNorms = cuda["grad_norms_preclip"]!.array!.map { $0.double! }
        let run = try replay(adapterDirectory: TrainingPaths.run + "/adapter_init", optimizer: .pagedAdamW, checkpointing: true)
        var worstLoss = 0.0, worstNorm = 0.0
        for i in 0..<40 {
            worstLoss = max(worstLoss, abs(run.losses[i] - expectedLosses[i]) / expectedLosses[i])
            worstNorm = max(worstNorm, abs(run.norms[i] - expectedNorms[i]) / expectedNorms[i])
        }
        print("replay: worst loss rel \(worstLoss), worst grad-norm rel \(worstNorm)")
        #expect(worstLoss < 1e-4)
        #expect(worstNorm < 1e-3)
        let final = try LoRAAdapter.load(directory: TrainingPaths.run + "/adapter_final_cuda", config: run.model.config)
        let adapterError = relativeDifference(flatten(run.adapter), flatten(final))
        print("replay: final adapter rel \(adapterError)")
        #expect(adapterError < 1e-3)
    }
}
