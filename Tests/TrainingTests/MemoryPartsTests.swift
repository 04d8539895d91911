import Datasets
import ExperimentSpec
import Foundation
import Models
import Quantization
import Tensors
import Testing
@testable import Training

/// The memory a run holds by part, against sizes computed here from the shapes and the storage formats' definitions.
struct MemoryPartsTests {
    static func model(_ quantization: WeightQuantization?) throws -> (LlamaModel, HuggingFaceCheckpoint) {
        let checkpoint = try HuggingFaceCheckpoint(directory: TrainingPaths.tinyLlama)
        let model = try checkpoint.model { _, w in
            if let quantization { try FrozenLinear(weight: w, quantization: quantization) } else { FrozenLinear(dense: w) }
        }
        return (model, checkpoint)
    }

    /// The base's bytes: float32 for everything but the projections, and per projection of n weights in blocks of
    /// B: n/2 bytes of 4-bit codes, then per block a float32 constant, or with double quantization one byte per
    /// block, a float32 per 256 blocks and one float32 offset.
    @Test func baseBytesAreTheStorageFormatsSizes() throws {
        let (dense, checkpoint) = try Self.model(nil)
        let c = dense.config
        let projections = checkpoint.tensorNames.filter { name in Projection.allCases.contains { name.hasSuffix($0.rawValue + ".weight") } }
        #expect(projections.count == 7 * c.numHiddenLayers)
        let sizes = try projections.map { try checkpoint.tensor($0)!.scalars.count }
        let ropeTables = 2 * dense.ropePositions * c.headDim / 2
        let otherFloats = try checkpoint.tensorNames.filter { !projections.contains($0) }
            .reduce(0) { $0 + (try checkpoint.tensor($1)!.scalars.count) } + ropeTables
        #expect(dense.frozenBytes == 4 * (otherFloats + sizes.reduce(0, +)))
        for (doubleQuant, blocksize) in [(true, 64), (false, 64), (false, 128)] {
            let (quantized, _) = try Self.model(WeightQuantization(type: .nf4, blocksize: blocksize, doubleQuant: doubleQuant))
            let bits = sizes.reduce(0) { total, n in
                let blocks = (n + blocksize - 1) / blocksize
                let scales = doubleQuant ? blocks * 8 + ((blocks + 255) / 256) * 32 + 32 : blocks * 32
                return total + ((n + 1) / 2) * 8 + scales
            }
            #expect(quantized.frozenBytes == 4 * otherFloats + (bits + 7) / 8, "blocksize \(blocksize), double quantization \(doubleQuant)")
        }
    }

    @Test func trainableAndOptimizerBytesFollowRankAndOptimizer() throws {
        let (model, _) = try Self.model(.qlora)
        let c = model.config
        for (rank, kind) in [(8, OptimizerKind.adamW), (4, .adamW8bit), (8, .pagedAdamW)] {
            var config = TrainerTests.referenceConfig(steps: 1, checkpointEvery: 0)
            config.lora.rank = rank
            config.optimizer.kind = kind
            let adapter = LoRAAdapter.initialized(config: c, rank: rank, alpha: 16, targets: Projection.allCases, seed: 3)
            let dir = try TrainingPaths.temporaryDirectory().path
            let trainer = try Trainer(config: config, model: model, initialAdapter: adapter,
                                      batches: try ReplayBatches(file: try BatchFile(path: TrainingPaths.batches)),
                                      directory: dir, baseModelName: TrainingPaths.tinyLlama)
            // Each projection's A (rank × in) and B (out × rank), float32, with a gradient of the same size.
            let shapes: [(inF: Int, outF: Int)] = model.layers.flatMap { $0.projections.map { ($0.inFeatures, $0.outFeatures) } }
            let tensors = shapes.flatMap { [rank * $0.inF, $0.outF * rank] }
            let parameters = tensors.reduce(0, +)
            let parts = trainer.memoryParts
            #expect(parts.trainableBytes == 2 * 4 * parameters)
            #expect(parts.baseBytes == model.frozenBytes)
            switch kind {
            case .adamW8bit:
                // Two moments: float32 below 4,096 elements, else a byte each and a float32 per block of 256.
                let expected = tensors.reduce(0) { $0 + ($1 < 4096 ? 8 * $1 : 2 * $1 + 8 * (($1 + 255) / 256)) }
                #expect(parts.optimizerBytes == expected)
            default:
                #expect(parts.optimizerBytes == 2 * 4 * parameters)
            }
            #expect(parts.metricsMiB["memory_parts_mib"]! * 1_048_576 == Double(parts.totalBytes))
        }
    }

    /// Activations grow linearly with the batch at a fixed sequence length (the per-sequence attention buffers and
    /// the output layer's chunk do not), and gradient checkpointing keeps less.
    @Test func activationBytesAreLinearInTheBatchAndSmallerWhenCheckpointed() throws {
        let (model, _) = try Self.model(.qlora)
        let adapter = LoRAAdapter.initialized(config: model.config, rank: 8, alpha: 16, targets: Projection.allCases, seed: 3)
        let parameters = LoRAParameters(adapter: adapter, config: model.config)
        func bytes(_ batch: Int, _ checkpointing: Bool) -> Int {
            TrainingGraph(model: model, parameters: parameters, batch: batch, sequence: 32, checkpointing: checkpointing).activationBytes
        }
        for checkpointing in [false, true] {
            let (one, two, four) = (bytes(1, checkpointing), bytes(2, checkpointing), bytes(4, checkpointing))
            #expect(two - one > 0 && four - two == 2 * (two - one), "checkpointing \(checkpointing)")
        }
        #expect(bytes(4, true) < bytes(4, false))
        // Without checkpointing every layer keeps its set: at least the residual input, two norm outputs, q, k, v,
        // attention output, the residual midpoint and three MLP-wide buffers per layer and row.
        let c = model.config
        let perRow = 4 * c.hiddenSize + c.queryWidth * 2 + 2 * c.keyValueWidth + 3 * c.intermediateSize
        #expect(bytes(2, false) - bytes(1, false) >= 4 * 32 * perRow * c.numHiddenLayers)
    }

    /// LoRA dropout adds one bit per element of each adapted projection's input (its mask), not floats: the
    /// difference with and without dropout is the masks' 64-bit words, per layer and projection.
    @Test func dropoutKeepsOneBitPerBranchInputElement() throws {
        let (model, _) = try Self.model(.qlora)
        let c = model.config
        for (checkpointing, rows) in [(false, 64), (true, 64), (false, 33)] {
            func bytes(_ dropout: Double) -> Int {
                let adapter = LoRAAdapter.initialized(config: c, rank: 8, alpha: 16, dropout: dropout, targets: Projection.allCases, seed: 3)
                let parameters = LoRAParameters(adapter: adapter, config: c)
                return TrainingGraph(model: model, parameters: parameters, batch: 1, sequence: rows,
                                     checkpointing: checkpointing).activationBytes
            }
            // Per layer set: each projection's mask, rounded up to whole 64-bit words; with checkpointing one set.
            let masks = Projection.allCases.reduce(0) { sum, p in sum + 8 * ((rows * p.shape(c).1 + 63) / 64) }
            let sets = checkpointing ? 1 : c.numHiddenLayers
            // The graph's work buffer for the branch input (rows × the widest input) comes with dropout too.
            let work = 4 * rows * max(c.hiddenSize, c.intermediateSize, c.queryWidth)
            #expect(bytes(0.1) - bytes(0) == sets * masks + work, "checkpointing \(checkpointing), rows \(rows)")
        }
    }
}
