import Foundation
import Testing
import Models
import Tensors
@testable import Training

/// The Qwen2 block's backward pass in the training graph against central finite differences of a float64 forward
/// pass written out here: every LoRA gradient of a tiny random model whose query, key and value projections carry
/// large frozen biases, with grouped-query attention and padding, and with the 4-bit base as QLoRA trains it.
@Suite("Qwen2 training: gradients against float64 finite differences")
struct Qwen2GradientTests {
    static let hidden = 16, heads = 2, kvHeads = 1, headDim = 8, intermediate = 24, layers = 2, vocab = 12, rank = 2
    static let batch = 2, sequence = 7, theta = 1_000_000.0

    static var config: LlamaConfig {
        var c = LlamaConfig(hiddenSize: hidden, numHiddenLayers: layers, numAttentionHeads: heads, numKeyValueHeads: kvHeads,
                            headDim: headDim, intermediateSize: intermediate, vocabSize: vocab, rmsNormEps: 1e-6,
                            ropeTheta: theta, maxPositionEmbeddings: 16, tieWordEmbeddings: true)
        c.familyName = ModelFamily.qwen2.name
        return c
    }

    /// The model's float32 numbers (dequantized when the base is 4-bit), kept as doubles for the reference.
    struct Weights {
        var embedding: [Double] = []
        var finalNorm: [Double] = []
        var projections: [[Projection: [Double]]] = []
        var biases: [[Projection: [Double]]] = []
        var norms: [[[Double]]] = []
    }

    static func make(quantization: WeightQuantization?) throws -> (LlamaModel, Weights, LoRAAdapter) {
        let c = config
        var rng = SeededGenerator(seed: 23)
        func random(_ count: Int, around center: Double = 0, spread: Double) -> [Float] {
            (0..<count).map { _ in Float(center + spread * rng.nextNormal()) }
        }
        var w = Weights()
        let embedding = random(vocab * hidden, spread: 0.5)
        w.embedding = embedding.map(Double.init)
        var layerList: [LlamaLayer] = []
        for _ in 0..<layers {
            var projections: [FrozenLinear] = []
            var doubles: [Projection: [Double]] = [:], biases: [Projection: [Double]] = [:]
            for p in Projection.allCases {
                let (out, inp) = p.shape(c)
                var linear = try FrozenLinear(weight: Tensor(shape: [out, inp], scalars: random(out * inp, spread: 0.3)),
                                              quantization: quantization)
                doubles[p] = linear.dequantized().scalars.map(Double.init)
                if Qwen2.biased.contains(p) {
                    let bias = random(out, spread: 0.8)
                    linear.bias = bias
                    biases[p] = bias.map(Double.init)
                }
                projections.append(linear)
            }
            let norms = [hidden, hidden].map { random($0, around: 1, spread: 0.3) }
            w.projections.append(doubles)
            w.biases.append(biases)
            w.norms.append(norms.map { $0.map(Double.init) })
            layerList.append(LlamaLayer(inputNorm: norms[0], postAttentionNorm: norms[1], projections: projections))
        }
        let finalNorm = random(hidden, around: 1, spread: 0.3)
        w.finalNorm = finalNorm.map(Double.init)
        let model = LlamaModel(config: c, embedding: embedding, layers: layerList, finalNorm: finalNorm, lmHead: nil)
        var adapterLayers: [[Projection: LoRAWeights]] = []
        for _ in 0..<layers {
            var pairs: [Projection: LoRAWeights] = [:]
            for p in Projection.allCases {
                let (out, inp) = p.shape(c)
                pairs[p] = LoRAWeights(a: random(rank * inp, spread: 0.3), b: random(out * rank, spread: 0.3))
            }
            adapterLayers.append(pairs)
        }
        return (model, w, LoRAAdapter(rank: rank, alpha: 3, targets: Projection.allCases, layers: adapterLayers))
    }

    /// The mean token loss in float64, with the LoRA matrices read from `v` (laid out as `parameters.values`).
    /// `dropout`, when given, is the scale (0 or 1/(1−p)) of each element of a LoRA branch's input, by layer,
    /// projection and token row.
    static func referenceLoss(_ w: Weights, _ parameters: LoRAParameters, _ v: [Double],
                              tokens: [Int], mask: [Int], labels: [Int],
                              dropout: ((Int, Projection, Int) -> [Double])? = nil) -> Double {
        let s = Double(parameters.scaling)
        func norm(_ x: [Double], _ weight: [Double]) -> [Double] {
            let inv = 1 / (x.reduce(0) { $0 + $1 * $1 } / Double(x.count) + 1e-6).squareRoot()
            return zip(x, weight).map { $0 * inv * $1 }
        }
        func matvec(_ m: ArraySlice<Double>, _ x: [Double], rows: Int) -> [Double] {
            let base = m.startIndex
            return (0..<rows).map { r in (0..<x.count).reduce(0) { $0 + m[base + r * x.count + $1] * x[$1] } }
        }
        func project(_ l: Int, _ p: Projection, _ x: [Double], _ row: Int) -> [Double] {
            let slot = parameters.slots[l][p]!
            var out = matvec(w.projections[l][p]![...], x, rows: slot.outFeatures)
            if let bias = w.biases[l][p] { out = zip(out, bias).map(+) }
            let branch = dropout.map { zip(x, $0(l, p, row)).map(*) } ?? x
            let xa = matvec(v[slot.a..<(slot.a + rank * slot.inFeatures)], branch, rows: rank)
            let bxa = matvec(v[slot.b..<(slot.b + slot.outFeatures * rank)], xa, rows: slot.outFeatures)
            return zip(out, bxa).map { $0 + s * $1 }
        }
        func rope(_ x: [Double], position: Int) -> [Double] {
            var out = x
            let half = headDim / 2
            for i in 0..<half {
                let angle = Double(position) / pow(theta, Double(2 * i) / Double(headDim))
                out[i] = x[i] * cos(angle) - x[i + half] * sin(angle)
                out[i + half] = x[i + half] * cos(angle) + x[i] * sin(angle)
            }
            return out
        }
        var total = 0.0, count = 0
        for b in 0..<batch {
            let rows = (0..<sequence).map { b * sequence + $0 }
            var x = rows.map { r in (0..<hidden).map { w.embedding[tokens[r] * hidden + $0] } }
            for l in 0..<layers {
                let n = w.norms[l]
                var q: [[[Double]]] = [], k: [[Double]] = [], vv: [[Double]] = []
                for i in 0..<sequence {
                    let h = norm(x[i], n[0])
                    let qa = project(l, .q, h, rows[i])
                    q.append((0..<heads).map { rope(Array(qa[($0 * headDim)..<(($0 + 1) * headDim)]), position: i) })
                    k.append(rope(project(l, .k, h, rows[i]), position: i))
                    vv.append(project(l, .v, h, rows[i]))
                }
                for i in 0..<sequence {
                    var attention: [Double] = []
                    for head in 0..<heads {
                        let visible = (0...i).filter { mask[b * sequence + $0] != 0 }
                        guard !visible.isEmpty else { attention += Array(repeating: 0, count: headDim); continue }
                        let scores = visible.map { j in zip(q[i][head], k[j]).reduce(0) { $0 + $1.0 * $1.1 } / Double(headDim).squareRoot() }
                        let m = scores.max()!
                        let e = scores.map { exp($0 - m) }
                        let sum = e.reduce(0, +)
                        attention += (0..<headDim).map { d in zip(visible, e).reduce(0) { $0 + $1.1 / sum * vv[$1.0][d] } }
                    }
                    x[i] = zip(x[i], project(l, .o, attention, rows[i])).map(+)
                    let h = norm(x[i], n[1])
                    let gate = project(l, .gate, h, rows[i]), up = project(l, .up, h, rows[i])
                    let act = zip(gate, up).map { g, u in g / (1 + exp(-g)) * u }
                    x[i] = zip(x[i], project(l, .down, act, rows[i])).map(+)
                }
            }
            for t in 0..<(sequence - 1) {
                let label = labels[b * sequence + t + 1]
                guard label != -100 else { continue }
                let logits = matvec(w.embedding[...], norm(x[t], w.finalNorm), rows: vocab)
                let m = logits.max()!
                total += log(logits.reduce(0) { $0 + exp($1 - m) }) + m - logits[label]
                count += 1
            }
        }
        return total / Double(count)
    }

    @Test(arguments: [(nil, false), (WeightQuantization.qlora, false), (WeightQuantization.qlora, true)])
    func everyLoRAGradientMatchesFiniteDifferences(quantization: WeightQuantization?, checkpointing: Bool) throws {
        let (model, weights, adapter) = try Self.make(quantization: quantization)
        let parameters = LoRAParameters(adapter: adapter, config: model.config)
        let graph = TrainingGraph(model: model, parameters: parameters, batch: Self.batch, sequence: Self.sequence, checkpointing: checkpointing)
        // The second sequence ends in two padding positions.
        let tokens = [2, 4, 5, 6, 7, 8, 9, 2, 10, 11, 3, 5, 0, 0]
        let mask = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]
        let labels = [-100, 4, 5, 6, 7, 8, 9, -100, -100, 11, 3, 5, -100, -100]
        let labelCount = CrossEntropyHead.targets(labels: labels, batch: Self.batch, sequence: Self.sequence).count
        parameters.gradients.zero()
        let (lossSum, counted) = try graph.accumulateGradients(tokens: tokens, attentionMask: mask, labels: labels,
                                                               normalizer: labelCount, dropoutKey: 0)
        #expect(counted == labelCount && counted == 9)
        let values = parameters.values.array.map(Double.init)
        let reference = Self.referenceLoss(weights, parameters, values, tokens: tokens, mask: mask, labels: labels)
        #expect(abs(lossSum / Double(counted) - reference) / reference < 1e-5, "loss \(lossSum / Double(counted)) vs \(reference)")
        // The biases matter to the loss (so the comparison above sees them).
        var unbiased = weights
        unbiased.biases = unbiased.biases.map { _ in [:] }
        let withoutBiases = Self.referenceLoss(unbiased, parameters, values, tokens: tokens, mask: mask, labels: labels)
        #expect(abs(withoutBiases - reference) / reference > 1e-3)

        let gradients = parameters.gradients.array.map(Double.init)
        let check = centralDifferences(gradients: gradients, at: values) {
            Self.referenceLoss(weights, parameters, $0, tokens: tokens, mask: mask, labels: labels)
        }
        #expect(check.relative < 1e-4, "relative gradient error \(check.relative); worst coordinate \(check.worst.index) off by \(check.worst.error)")
        for l in 0..<Self.layers {
            for (p, slot) in parameters.slots[l] {
                let a = gradients[slot.a..<(slot.a + Self.rank * slot.inFeatures)]
                #expect(a.contains { $0 != 0 }, "layer \(l) \(p)")
            }
        }
    }

    /// LoRA dropout: the masks the forward pass drew (kept as bits) are read back and put into the float64
    /// reference, whose loss and finite-difference gradients the graph must match, so the backward pass's
    /// recomputed branch input and its masked input gradient are both checked; recomputing the blocks (gradient
    /// checkpointing) draws the same masks and gives the same gradients.
    @Test func dropoutMasksAreAppliedAndDifferentiatedAsDrawn() throws {
        let (model, weights, plain) = try Self.make(quantization: .qlora)
        var adapter = plain
        adapter.dropout = 0.3
        let parameters = LoRAParameters(adapter: adapter, config: model.config)
        let tokens = [2, 4, 5, 6, 7, 8, 9, 2, 10, 11, 3, 5, 0, 0]
        let mask = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]
        let labels = [-100, 4, 5, 6, 7, 8, 9, -100, -100, 11, 3, 5, -100, -100]
        let labelCount = CrossEntropyHead.targets(labels: labels, batch: Self.batch, sequence: Self.sequence).count
        let graph = TrainingGraph(model: model, parameters: parameters, batch: Self.batch, sequence: Self.sequence, checkpointing: false)
        parameters.gradients.zero()
        let (lossSum, _) = try graph.accumulateGradients(tokens: tokens, attentionMask: mask, labels: labels,
                                                         normalizer: labelCount, dropoutKey: 0x5eed)
        let gradients = parameters.gradients.array.map(Double.init)
        let keep = Double(1 / (1 - parameters.dropout))
        var kept = 0, total = 0
        let scales: [[Projection: [[Double]]]] = (0..<Self.layers).map { l in
            var byProjection: [Projection: [[Double]]] = [:]
            for (p, slot) in parameters.slots[l] {
                let bits = graph.acts[l].dropoutMask[p]!
                byProjection[p] = (0..<(Self.batch * Self.sequence)).map { row in
                    (0..<slot.inFeatures).map { j in bits.kept(row * slot.inFeatures + j) ? keep : 0 }
                }
                let count = Self.batch * Self.sequence * slot.inFeatures
                kept += (0..<count).filter { bits.kept($0) }.count
                total += count
            }
            return byProjection
        }
        // About 70% kept (1,358 elements a layer: a binomial's spread is about 1.2%).
        #expect(abs(Double(kept) / Double(total) - 0.7) < 0.05, "\(kept) of \(total) kept")
        let dropout = { (l: Int, p: Projection, row: Int) in scales[l][p]![row] }
        let values = parameters.values.array.map(Double.init)
        let reference = Self.referenceLoss(weights, parameters, values, tokens: tokens, mask: mask, labels: labels, dropout: dropout)
        let undropped = Self.referenceLoss(weights, parameters, values, tokens: tokens, mask: mask, labels: labels)
        #expect(abs(lossSum / Double(labelCount) - reference) / reference < 1e-5, "loss \(lossSum / Double(labelCount)) vs \(reference)")
        #expect(abs(undropped - reference) / reference > 1e-3, "dropout changes the loss")
        let check = centralDifferences(gradients: gradients, at: values) {
            Self.referenceLoss(weights, parameters, $0, tokens: tokens, mask: mask, labels: labels, dropout: dropout)
        }
        #expect(check.relative < 1e-4, "relative gradient error \(check.relative); worst coordinate \(check.worst.index) off by \(check.worst.error)")

        let recomputing = TrainingGraph(model: model, parameters: parameters, batch: Self.batch, sequence: Self.sequence, checkpointing: true)
        parameters.gradients.zero()
        _ = try recomputing.accumulateGradients(tokens: tokens, attentionMask: mask, labels: labels, normalizer: labelCount, dropoutKey: 0x5eed)
        #expect(parameters.gradients.array.map(Double.init) == gradients)
        // Another key draws other masks.
        parameters.gradients.zero()
        _ = try graph.accumulateGradients(tokens: tokens, attentionMask: mask, labels: labels, normalizer: labelCount, dropoutKey: 0x5eee)
        #expect(parameters.gradients.array.map(Double.init) != gradients)
    }
}
