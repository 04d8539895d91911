import Datasets
import Foundation
import Testing
import Models
import Tensors
@testable import Training

/// Full fine-tuning gradients of every kind of weight against central finite differences of the loss.
///
/// The loss is the summed token loss of one reference batch (normalizer 1), so gradients are large beside the
/// float32 rounding of the loss. Each tensor is checked two ways: along its own gradient direction (the
/// derivative must equal the gradient's norm) and at a few coordinates among its largest gradient entries.
struct FullFineTuneGradientTests {
    static func denseModel(tied: Bool = false) throws -> LlamaModel {
        let checkpoint = try HuggingFaceCheckpoint(directory: TrainingPaths.tinyLlama)
        let model = try checkpoint.model { _, w in FrozenLinear(dense: w) }
        guard tied else { return model }
        // The untied fixture made tied: the embedding becomes the output layer too.
        var config = model.config
        config.tieWordEmbeddings = true
        return LlamaModel(config: config, embedding: model.embedding, layers: model.layers, finalNorm: model.finalNorm, lmHead: nil)
    }

    /// The first reference batch.
    static func batch() throws -> Batch { try BatchFile(path: TrainingPaths.batches).batch(step: 0) }

    /// Names of the tensors of `full`, in layout order.
    static func tensorNames(_ full: FullParameters) -> [String] {
        var names = ["embed_tokens"]
        for l in 0..<full.config.numHiddenLayers {
            names.append("layers.\(l).input_layernorm")
            names += Projection.allCases.map { "layers.\(l).\($0.modulePath)" }
            names.append("layers.\(l).post_attention_layernorm")
        }
        names.append("norm")
        if !full.tied { names.append("lm_head") }
        return names
    }

    struct Report {
        var worstDirectional = 0.0
        var worstCoordinate = 0.0
        var checked = 0
    }

    /// Checks every tensor of `model`; returns the worst relative errors.
    static func check(model: LlamaModel, coordinatesPerTensor: Int = 3, extraCoordinates: (FullParameters) -> [Int] = { _ in [] }) throws -> Report {
        let full = try FullParameters(model: model)
        let b = try batch()
        let graph = TrainingGraph(model: model, full: full, batch: b.batchSize, sequence: b.sequenceLength, checkpointing: false)
        full.gradients.zero()
        _ = try graph.accumulateGradients(b, normalizer: 1, dropoutKey: 0)
        let g = full.gradients.array
        let v = full.values.pointer
        func loss() throws -> Double { try graph.evaluate(b).lossSum }
        let names = tensorNames(full)
        #expect(names.count == full.tensorRanges.count)
        var report = Report()
        var rng = SeededGenerator(seed: 11)
        // Steps chosen on this fixture: along a unit direction the curvature error dominates above ~3e-3; a single
        // coordinate's change of the loss is small, so there float32 rounding dominates below ~1e-2.
        let hDirection: Float = 3e-3, hCoordinate: Float = 1e-2
        for (name, range) in zip(names, full.tensorRanges) {
            // Along the tensor's gradient direction u = g/|g|: dL/dε = |g|.
            let norm = range.reduce(0.0) { $0 + Double(g[$1]) * Double(g[$1]) }.squareRoot()
            #expect(norm > 0, "\(name) has no gradient")
            let saved = Array(UnsafeBufferPointer(start: v + range.lowerBound, count: range.count))
            func shift(_ e: Float) { for i in range { v[i] = saved[i - range.lowerBound] + e * Float(Double(g[i]) / norm) } }
            shift(hDirection)
            let plus = try loss()
            shift(-hDirection)
            let minus = try loss()
            shift(0)
            let directional = (plus - minus) / Double(2 * hDirection)
            let directionalError = abs(directional - norm) / norm
            report.worstDirectional = max(report.worstDirectional, directionalError)
            #expect(directionalError < 5e-3, "\(name): along the gradient \(directional), |g| \(norm)")

            // A few coordinates drawn at random among the tensor's largest-gradient entries.
            let ranked = range.sorted { abs(g[$0]) > abs(g[$1]) }
            let pool = Array(ranked.prefix(max(16, range.count / 50)))
            var picks = (0..<coordinatesPerTensor).map { _ in pool[Int(rng.next() % UInt64(pool.count))] }
            picks += extraCoordinates(full).filter { range.contains($0) }
            for i in picks {
                let original = v[i]
                v[i] = original + hCoordinate
                let up = try loss()
                v[i] = original - hCoordinate
                let down = try loss()
                v[i] = original
                let estimate = (up - down) / Double(2 * hCoordinate)
                let error = abs(estimate - Double(g[i])) / max(abs(Double(g[i])), 1e-2)
                report.worstCoordinate = max(report.worstCoordinate, error)
                report.checked += 1
                #expect(error < 3e-2, "\(name)[\(i - range.lowerBound)]: finite difference \(estimate), gradient \(g[i])")
            }
        }
        return report
    }

    @Test func everyWeightsGradientMatchesFiniteDifferences() throws {
        let report = try Self.check(model: Self.denseModel())
        print("full fine-tune FD (untied): worst along-gradient rel \(report.worstDirectional), worst coordinate rel \(report.worstCoordinate) over \(report.checked) coordinates")
    }

    /// Tied: the embedding's gradient gets the output layer's contribution and the input scatter; a row of a
    /// token absent from the batch gets only the first.
    @Test func tiedEmbeddingGradientHasBothContributions() throws {
        let model = try Self.denseModel(tied: true)
        let tokens = Set(try Self.batch().inputIDs)
        let absent = (0..<model.config.vocabSize).first { !tokens.contains($0) }!
        let present = try Self.batch().inputIDs[5]
        let d = model.config.hiddenSize
        let report = try Self.check(model: model) { full in
            [full.embedding + absent * d + 3, full.embedding + absent * d + 70, full.embedding + present * d + 9, full.embedding + present * d + 100]
        }
        print("full fine-tune FD (tied): worst along-gradient rel \(report.worstDirectional), worst coordinate rel \(report.worstCoordinate) over \(report.checked) coordinates")
    }

    /// The same weights give the same loss and gradients through the full fine-tuning graph with and
    /// without recomputing blocks.
    @Test func checkpointingChangesMemoryNotGradients() throws {
        let model = try Self.denseModel()
        let b = try Self.batch()
        var results: [[Float]] = []
        for checkpointing in [false, true] {
            let full = try FullParameters(model: model)
            let graph = TrainingGraph(model: model, full: full, batch: b.batchSize, sequence: b.sequenceLength, checkpointing: checkpointing)
            _ = try graph.accumulateGradients(b, normalizer: 100, dropoutKey: 0)
            results.append(full.gradients.array)
        }
        #expect(results[0] == results[1])
    }

    @Test func aQuantizedModelIsRefused() throws {
        let checkpoint = try HuggingFaceCheckpoint(directory: TrainingPaths.tinyLlama)
        let model = try checkpoint.model { _, w in try FrozenLinear(weight: w, quantization: .qlora) }
        #expect(throws: FullFineTuneError.self) { _ = try FullParameters(model: model) }
    }
}
