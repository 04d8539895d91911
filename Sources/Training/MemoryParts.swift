import Models
import Tensors

/// What a training run holds in memory, by part, in bytes, as allocated (not measured): the frozen base as it is
/// stored, the trainable values with their gradients, the optimizer's moments, and the buffers one step's forward
/// and backward passes keep (activations and their gradients, the output layer's chunk). The process's peak
/// resident set (`TrainingSummary.peakRSSMiB`) is these plus the program, the libraries' pools and the allocator's
/// slack; a paged optimizer's moments are file-backed pages that count only while they are resident.
public struct MemoryParts: Codable, Sendable, Equatable {
    /// The frozen model: each projection as stored (4-bit codes and block constants, or float32), the embedding,
    /// the norms, an untied output layer and the RoPE tables.
    public var baseBytes: Int
    /// Trainable values and their gradients (LoRA A and B, or every weight under full fine-tuning).
    public var trainableBytes: Int
    /// AdamW's first and second moments (float32, or 8-bit codes with their block maxima).
    public var optimizerBytes: Int
    /// The step's activation and gradient buffers.
    public var activationBytes: Int

    public init(baseBytes: Int, trainableBytes: Int, optimizerBytes: Int, activationBytes: Int) {
        self.baseBytes = baseBytes
        self.trainableBytes = trainableBytes
        self.optimizerBytes = optimizerBytes
        self.activationBytes = activationBytes
    }

    /// The parts' sum.
    public var totalBytes: Int { baseBytes + trainableBytes + optimizerBytes + activationBytes }

    /// Metric names and values in MiB, as a cell records them.
    public var metricsMiB: [String: Double] {
        func mib(_ bytes: Int) -> Double { Double(bytes) / 1_048_576 }
        return ["memory_base_mib": mib(baseBytes), "memory_trainable_mib": mib(trainableBytes),
                "memory_optimizer_mib": mib(optimizerBytes), "memory_activations_mib": mib(activationBytes),
                "memory_parts_mib": mib(totalBytes)]
    }
}

extension LlamaModel {
    /// Bytes of the frozen model as held: projections as stored, float32 embedding, norms, untied output layer and
    /// RoPE tables.
    public var frozenBytes: Int {
        var floats = embedding.count + finalNorm.count + (lmHead?.count ?? 0) + ropeCos.count + ropeSin.count
        var projectionBits = 0
        for layer in layers {
            floats += layer.inputNorm.count + layer.postAttentionNorm.count
            if let g = layer.gemma3 { floats += g.query.count + g.key.count + g.attentionOutput.count + g.mlpOutput.count }
            projectionBits += layer.projections.reduce(0) { $0 + $1.storageBits }
        }
        return 4 * floats + (projectionBits + 7) / 8
    }
}

extension LayerActivations {
    /// Bytes of every buffer this layer's set holds.
    var bytes: Int {
        let fixed = [xIn, h1, q, k, v, attn, xMid, h2, gate, up, act, inv1, inv2,
                     qPre, kPre, attentionOut, mlpOut, invQ, invK, invAttentionOut, invMLPOut].reduce(0) { $0 + $1.count }
        return 4 * (fixed + xa.values.reduce(0) { $0 + $1.count }) + dropoutMask.values.reduce(0) { $0 + $1.bytes }
    }
}

extension TrainingGraph {
    /// Bytes of the step's buffers: the stored activations (one layer's set and the saved layer inputs under
    /// gradient checkpointing), the gradient and work buffers, the output layer's chunk and the local RoPE tables.
    public var activationBytes: Int {
        let buffers = [x, recompute, hFinal, invFinal, dx, dh, dAttn, dq, dk, dv, dAct, dGate, dUp, p, dp, dxa, temp,
                       branch, dBranch, dqPre, dkPre, head.hidden, head.logits, head.dHidden, head.rowLoss]
        let floats = savedInputs.reduce(0) { $0 + $1.count } + buffers.reduce(0) { $0 + $1.count }
            + localCos.count + localSin.count
        return 4 * (floats + mask32.count) + acts.reduce(0) { $0 + $1.bytes }
    }
}

extension Trainer {
    /// This run's memory by part. Under full fine-tuning the loaded model stays held beside its trainable copy, so
    /// its bytes count as the base's there too.
    public var memoryParts: MemoryParts {
        MemoryParts(baseBytes: model.frozenBytes,
                    trainableBytes: 4 * (values.count + gradients.count),
                    optimizerBytes: optimizer.stateBytes, activationBytes: graph.activationBytes)
    }
}
