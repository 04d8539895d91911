import Datasets
import ExperimentSpec
import Foundation
import Support
import Models
import Tensors
import Testing
@testable import Training

/// A tiny model's PEFT fixture (`base/`, `adapter_init/`, `batches.safetensors` and a reference JSON of per-step
/// losses and pre-clip gradient norms, as the fixtures' `make.py` scripts write them), trained here by `Trainer`
/// with the fixture's settings: six AdamW steps, lr 1e-3, no weight decay, gradient norm clipped to 0.3.
struct PEFTFixtureRun {
    let root: String
    var base: String { root + "/base" }

    /// The base model, its projections quantized as `quantization` says (float32 when nil).
    func model(quantization: WeightQuantization? = nil) throws -> LlamaModel {
        try HuggingFaceCheckpoint(directory: base).model { _, w in try FrozenLinear(weight: w, quantization: quantization) }
    }

    /// A reference series (`losses`, `grad_norms_preclip`) of `file`.
    func reference(_ file: String, _ key: String) throws -> [Double] {
        try TrainingPaths.referenceJSON(root + "/" + file)[key]!.array!.map { $0.double! }
    }

    /// Trains `model` from the fixture's starting adapter; the step records and the directory of the run.
    func train(_ model: LlamaModel) throws -> (records: [StepLine], directory: String) {
        var c = TrainingConfig()
        c.steps = 6
        c.batchSize = 4
        c.optimizer = OptimizerSettings(kind: .adamW, learningRate: 1e-3, weightDecay: 0, maxGradNorm: 0.3)
        c.schedule = ScheduleSettings(kind: .constant)
        c.seed = 7
        let initial = try LoRAAdapter.load(directory: root + "/adapter_init", config: model.config)
        let dir = try TrainingPaths.temporaryDirectory().path
        let trainer = try Trainer(config: c, model: model, initialAdapter: initial,
                                  batches: try ReplayBatches(file: try BatchFile(path: root + "/batches.safetensors")),
                                  directory: dir, baseModelName: base)
        let summary = try trainer.run()
        guard summary.status == .completed, summary.steps == 6 else { throw ForwardError(message: "the run stopped: \(summary.status)") }
        let records = try String(contentsOfFile: dir + "/steps.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(StepLine.self, from: Data($0.utf8)) }
        return (records, dir)
    }

    /// The largest relative differences of the run's losses and gradient norms from those of `file`.
    func worstDifferences(_ records: [StepLine], against file: String) throws -> (loss: Double, norm: Double) {
        let losses = try reference(file, "losses"), norms = try reference(file, "grad_norms_preclip")
        guard records.count == losses.count else { return (.infinity, .infinity) }
        var worst = (loss: 0.0, norm: 0.0)
        for (r, (loss, norm)) in zip(records, zip(losses, norms)) {
            worst.loss = max(worst.loss, abs(r.loss - loss) / loss)
            worst.norm = max(worst.norm, abs(r.gradNorm - norm) / norm)
        }
        return worst
    }
}

/// Every adapter gradient of the first step in `parameters` against PEFT's `grads_step0.safetensors` in `root`:
/// each matrix within 1e-4 relative, and none of the fixture's all zero (which a loose comparison would pass).
func expectFirstStepGradients(_ parameters: LoRAParameters, rank: Int, layers: Int, fixture root: String) throws {
    let expected = try SafeTensorsFile(path: root + "/grads_step0.safetensors")
    for l in 0..<layers {
        for (p, slot) in parameters.slots[l] {
            for (matrix, offset, count) in [("lora_A", slot.a, rank * slot.inFeatures), ("lora_B", slot.b, slot.outFeatures * rank)] {
                let name = "base_model.model.model.layers.\(l).\(p.modulePath).\(matrix).weight"
                let reference = try expected.tensor(name).scalars
                let ours = Array(UnsafeBufferPointer(start: parameters.gradients.pointer + offset, count: count))
                #expect(reference.contains { $0 != 0 }, "\(name) is all zero in the fixture")
                #expect(relativeDifference(ours, reference) < 1e-4, "\(name)")
            }
        }
    }
}
