import Datasets
import Models
import Tensors

/// Forward and backward passes of a LLaMA or Gemma 3 model with LoRA adapters on a frozen (optionally 4-bit)
/// base, for micro-batches of a fixed shape. Buffers are allocated once; a step allocates nothing large.
///
/// A Gemma 3 block (`LlamaConfig.gemma3`) adds, each with its backward pass here: embeddings × √hidden, per-head
/// RMSNorm of queries and keys, RMSNorm of the attention and MLP outputs before they join the residual stream,
/// a tanh-GELU-gated MLP, sliding-window attention with its own RoPE base in local layers, and the query scale
/// of its settings. Its norm weights are held as the 1 + w factor they multiply by, so RMSNorm's backward applies.
///
/// Frozen layers receive no gradient: only the input gradient flows through them (dequantized per use),
/// and only A and B accumulate gradients. With gradient checkpointing, only each block's input is kept
/// and the block is recomputed during the backward pass — memory changes, results do not.
///
/// In full fine-tuning mode (`full` set) there are no adapters: every weight is read from `full.values` and
/// every weight receives a gradient in `full.gradients`; the model supplies only its shape and RoPE tables.
public final class TrainingGraph: @unchecked Sendable {
    /// The frozen model (in full fine-tuning, only its configuration and RoPE tables are used).
    public let model: LlamaModel
    /// The trainable adapters (none in full fine-tuning).
    public let parameters: LoRAParameters
    /// Every weight, trainable, in full fine-tuning mode; nil when training adapters.
    public let full: FullParameters?
    /// Whether blocks are recomputed in the backward pass.
    public let checkpointing: Bool
    /// Largest micro-batch the buffers hold: sequences × tokens.
    public let maxBatch: Int
    public let maxSequence: Int
    /// The shape of the micro-batch being processed (set by each call; at most the maxima).
    private(set) var batch: Int
    private(set) var sequence: Int
    private(set) var n: Int
    let acts: [LayerActivations]
    let savedInputs: [FloatBuffer]
    let x, recompute, hFinal, invFinal, dx, dh, dAttn, dq, dk, dv, dAct, dGate, dUp, p, dp, dxa, temp: FloatBuffer
    let scratch = Scratch()
    let head: CrossEntropyHead
    /// Gemma 3 only (empty otherwise): a norm's output before it joins the residual stream, the gradient of a
    /// normed branch's input, and the gradients of queries and keys before their per-head norms.
    let branch, dBranch, dqPre, dkPre: FloatBuffer
    /// Gemma 3 only: the RoPE tables of the local (sliding-window) layers.
    let localCos, localSin: [Float]
    var mask32: [Int32]

    /// Buffers for micro-batches of up to `batch × sequence` tokens.
    public convenience init(model: LlamaModel, parameters: LoRAParameters, batch: Int, sequence: Int, checkpointing: Bool) {
        self.init(model: model, parameters: parameters, full: nil, batch: batch, sequence: sequence, checkpointing: checkpointing)
    }

    /// A full fine-tuning graph over `full` (whose weights replace the model's), for micro-batches of up to `batch × sequence` tokens.
    public convenience init(model: LlamaModel, full: FullParameters, batch: Int, sequence: Int, checkpointing: Bool) {
        let c = model.config
        // An adapter on no projection: the LoRA branches are all absent.
        let none = LoRAAdapter(rank: 1, alpha: 1, targets: [], layers: Array(repeating: [:], count: c.numHiddenLayers))
        self.init(model: model, parameters: LoRAParameters(adapter: none, config: c), full: full, batch: batch, sequence: sequence,
                  checkpointing: checkpointing)
    }

    private init(model: LlamaModel, parameters: LoRAParameters, full: FullParameters?, batch: Int, sequence: Int, checkpointing: Bool) {
        self.model = model
        self.parameters = parameters
        self.full = full
        self.checkpointing = checkpointing
        self.batch = batch
        self.sequence = sequence
        maxBatch = batch
        maxSequence = sequence
        let c = model.config
        n = batch * sequence
        let layers = c.numHiddenLayers
        acts = (0..<(checkpointing ? 1 : layers)).map { LayerActivations(config: c, rows: batch * sequence, parameters: parameters, layer: $0) }
        savedInputs = checkpointing ? (0..<layers).map { _ in FloatBuffer(count: batch * sequence * c.hiddenSize) } : []
        let rows = batch * sequence
        x = FloatBuffer(count: rows * c.hiddenSize)
        recompute = FloatBuffer(count: checkpointing ? rows * c.hiddenSize : 0)
        hFinal = FloatBuffer(count: rows * c.hiddenSize)
        invFinal = FloatBuffer(count: rows)
        dx = FloatBuffer(count: rows * c.hiddenSize)
        dh = FloatBuffer(count: rows * c.hiddenSize)
        dAttn = FloatBuffer(count: rows * c.queryWidth)
        dq = FloatBuffer(count: rows * c.queryWidth)
        dk = FloatBuffer(count: rows * c.keyValueWidth)
        dv = FloatBuffer(count: rows * c.keyValueWidth)
        dAct = FloatBuffer(count: rows * c.intermediateSize)
        dGate = FloatBuffer(count: rows * c.intermediateSize)
        dUp = FloatBuffer(count: rows * c.intermediateSize)
        p = FloatBuffer(count: sequence * sequence)
        dp = FloatBuffer(count: sequence * sequence)
        dxa = FloatBuffer(count: rows * max(1, parameters.rank))
        temp = FloatBuffer(count: parameters.dropout > 0 ? rows * max(c.hiddenSize, c.intermediateSize, c.queryWidth) : 0)
        head = CrossEntropyHead(vocab: c.vocabSize, dim: c.hiddenSize)
        let gemma = c.gemma3 != nil ? 1 : 0
        branch = FloatBuffer(count: gemma * rows * c.hiddenSize)
        dBranch = FloatBuffer(count: gemma * rows * c.hiddenSize)
        dqPre = FloatBuffer(count: gemma * rows * c.queryWidth)
        dkPre = FloatBuffer(count: gemma * rows * c.keyValueWidth)
        if let g = c.gemma3 {
            (localCos, localSin) = Kernels.ropeTables(positions: model.ropePositions, headDim: c.headDim, theta: g.localRopeTheta)
        } else {
            (localCos, localSin) = ([], [])
        }
        mask32 = [Int32](repeating: 1, count: rows)
        // Checkpointed blocks share one activation set whose LoRA buffers must fit every layer.
        if checkpointing {
            for l in 1..<max(1, layers) {
                for (p, slot) in parameters.slots[l] where acts[0].xa[p] == nil {
                    acts[0].xa[p] = FloatBuffer(count: rows * parameters.rank)
                    if parameters.dropout > 0 { acts[0].dropoutMask[p] = DropoutMask(count: rows * slot.inFeatures) }
                }
            }
        }
    }

    /// Runs forward and backward on one micro-batch, adding to `parameters.gradients`.
    ///
    /// The loss is a mean over `normalizer` label tokens (all micro-batches of the optimizer step together);
    /// returns the summed token losses of this micro-batch and how many label tokens it had.
    /// `dropoutKey` selects the dropout masks (derive it from the seed, step and micro-batch).
    public func accumulateGradients(tokens: [Int], attentionMask: [Int], labels: [Int], normalizer: Int,
                                    dropoutKey: UInt64) throws -> (lossSum: Double, labelTokens: Int) {
        try forward(tokens: tokens, attentionMask: attentionMask, training: true, dropoutKey: dropoutKey)
        let targets = try checkedTargets(labels)
        let c = model.config
        let loss = withWeights(model.outputWeights, \FullParameters.outputLayer) { w, g in
            head.lossAndGradient(h: hFinal.pointer, rows: n, weights: w, targets: targets,
                                 normalizer: max(1, normalizer), dH: dh.pointer, weightGradient: g)
        }
        withWeights(model.finalNorm, \FullParameters.finalNorm) { w, g in
            Kernels.rmsNormBackward(rows: n, dim: c.hiddenSize, x: x.pointer, weight: w, inverseRMS: invFinal.pointer,
                                    dy: dh.pointer, dx: dx.pointer, accumulate: false, weightGradient: g)
        }
        for l in stride(from: c.numHiddenLayers - 1, through: 0, by: -1) {
            let a: LayerActivations
            if checkpointing {
                recompute.pointer.update(from: savedInputs[l].pointer, count: n * c.hiddenSize)
                forwardLayer(l, acts[0], residual: recompute, dropoutKey: dropoutKey)
                a = acts[0]
            } else {
                a = acts[l]
            }
            backwardLayer(l, a)
        }
        if let full {
            // dx now holds the gradient of the gathered embedding rows: scatter-add it, in token order.
            let d = c.hiddenSize
            let g = full.gradients.pointer + full.embedding
            for (i, t) in tokens.enumerated() { Kernels.axpy(count: d, alpha: 1, x: dx.pointer + i * d, y: g + t * d) }
        }
        return (loss, targets.count)
    }

    /// `accumulateGradients` for a collated batch of any shape within the buffers.
    public func accumulateGradients(_ b: Batch, normalizer: Int, dropoutKey: UInt64) throws -> (lossSum: Double, labelTokens: Int) {
        try setShape(batch: b.batchSize, sequence: b.sequenceLength)
        return try accumulateGradients(tokens: b.inputIDs, attentionMask: b.attentionMask, labels: b.labels,
                                       normalizer: normalizer, dropoutKey: dropoutKey)
    }

    /// `evaluate` for a collated batch.
    public func evaluate(_ b: Batch) throws -> (lossSum: Double, labelTokens: Int) {
        try setShape(batch: b.batchSize, sequence: b.sequenceLength)
        return try evaluate(tokens: b.inputIDs, attentionMask: b.attentionMask, labels: b.labels)
    }

    /// Label tokens that carry a loss in `b` (after the one-position shift).
    public static func labelTokens(_ b: Batch) -> Int {
        CrossEntropyHead.targets(labels: b.labels, batch: b.batchSize, sequence: b.sequenceLength).count
    }

    /// The summed token loss and label-token count of one micro-batch, without gradients or dropout.
    public func evaluate(tokens: [Int], attentionMask: [Int], labels: [Int]) throws -> (lossSum: Double, labelTokens: Int) {
        try forward(tokens: tokens, attentionMask: attentionMask, training: false, dropoutKey: 0)
        let targets = try checkedTargets(labels)
        let loss = withWeights(model.outputWeights, \FullParameters.outputLayer) { w, _ in
            head.lossAndGradient(h: hFinal.pointer, rows: n, weights: w, targets: targets,
                                 normalizer: 1, dH: dh.pointer, computeGradient: false)
        }
        return (loss, targets.count)
    }

    /// Sets the shape of the next micro-batch.
    public func setShape(batch: Int, sequence: Int) throws {
        guard batch >= 1, sequence >= 1, batch <= maxBatch, sequence <= maxSequence else {
            throw ForwardError(message: "micro-batch \(batch) × \(sequence) exceeds the buffers (\(maxBatch) × \(maxSequence))")
        }
        self.batch = batch
        self.sequence = sequence
        n = batch * sequence
    }

    /// The positions that carry a loss, once every label is known to index a row of the output layer: the loss
    /// reads and writes the logit of each label through unchecked pointers.
    private func checkedTargets(_ labels: [Int]) throws -> [(row: Int, target: Int)] {
        guard labels.count == n else { throw ForwardError(message: "a micro-batch must hold \(batch) × \(sequence) labels, not \(labels.count)") }
        let vocab = model.config.vocabSize
        if let bad = labels.first(where: { $0 != -100 && ($0 < 0 || $0 >= vocab) }) {
            throw ForwardError(message: "label \(bad) is outside the vocabulary (0..<\(vocab), or -100 for none)")
        }
        return CrossEntropyHead.targets(labels: labels, batch: batch, sequence: sequence)
    }

    private func forward(tokens: [Int], attentionMask: [Int], training: Bool, dropoutKey: UInt64) throws {
        let c = model.config
        guard tokens.count == n, attentionMask.count == n else {
            throw ForwardError(message: "a micro-batch must hold \(batch) × \(sequence) tokens and mask entries")
        }
        guard sequence <= model.ropePositions else {
            throw ForwardError(message: "sequence length \(sequence) exceeds max_position_embeddings \(model.ropePositions)")
        }
        if let bad = tokens.first(where: { $0 < 0 || $0 >= c.vocabSize }) {
            throw ForwardError(message: "token id \(bad) is outside the vocabulary (0..<\(c.vocabSize))")
        }
        for i in 0..<n { mask32[i] = attentionMask[i] != 0 ? 1 : 0 }
        let d = c.hiddenSize
        withWeights(model.embedding, \FullParameters.embedding) { e, _ in
            for (i, t) in tokens.enumerated() { (x.pointer + i * d).update(from: e + t * d, count: d) }
        }
        if c.gemma3 != nil {
            // Gemma multiplies the embeddings by √hidden rounded to float32 (as its forward pass does).
            let embeddingScale = Float(Double(d).squareRoot())
            for i in 0..<(n * d) { x.pointer[i] *= embeddingScale }
        }
        for l in 0..<c.numHiddenLayers {
            if checkpointing || !training {
                if checkpointing && training { savedInputs[l].pointer.update(from: x.pointer, count: n * d) }
                forwardLayer(l, acts[0], residual: x, dropoutKey: training ? dropoutKey : nil)
            } else {
                forwardLayer(l, acts[l], residual: x, dropoutKey: dropoutKey)
            }
        }
        withWeights(model.finalNorm, \FullParameters.finalNorm) { w, _ in
            Kernels.rmsNorm(rows: n, dim: d, x: x.pointer, weight: w, eps: Float(c.rmsNormEps),
                            out: hFinal.pointer, inverseRMS: invFinal.pointer)
        }
    }

    /// One block forward; `residual` goes in as the block's input and comes out as its output.
    private func forwardLayer(_ l: Int, _ a: LayerActivations, residual: FloatBuffer, dropoutKey: UInt64?) {
        let c = model.config
        if let g = c.gemma3 { return forwardGemma3Layer(l, a, g, residual: residual, dropoutKey: dropoutKey) }
        let layer = model.layers[l]
        let d = c.hiddenSize, kvW = c.keyValueWidth
        let eps = Float(c.rmsNormEps)
        a.xIn.pointer.update(from: residual.pointer, count: n * d)
        withWeights(layer.inputNorm, { $0.layers[l].inputNorm }) { w, _ in
            Kernels.rmsNorm(rows: n, dim: d, x: residual.pointer, weight: w, eps: eps, out: a.h1.pointer, inverseRMS: a.inv1.pointer)
        }
        project(l, .q, a.h1, a.q, a, dropoutKey: dropoutKey)
        project(l, .k, a.h1, a.k, a, dropoutKey: dropoutKey)
        project(l, .v, a.h1, a.v, a, dropoutKey: dropoutKey)
        rotate(q: a.q, k: a.k, inverse: false)
        mask32.withUnsafeBufferPointer { m in
            Attention.forward(batch: batch, queries: sequence, keys: sequence, offset: 0,
                              heads: c.numAttentionHeads, kvHeads: c.numKeyValueHeads, headDim: c.headDim,
                              q: a.q.pointer, k: a.k.pointer, v: a.v.pointer, kvBatchStride: sequence * kvW,
                              keyMask: m.baseAddress!, out: a.attn.pointer, scores: p.pointer)
        }
        project(l, .o, a.attn, residual, a, accumulate: true, dropoutKey: dropoutKey)
        a.xMid.pointer.update(from: residual.pointer, count: n * d)
        withWeights(layer.postAttentionNorm, { $0.layers[l].postAttentionNorm }) { w, _ in
            Kernels.rmsNorm(rows: n, dim: d, x: residual.pointer, weight: w, eps: eps, out: a.h2.pointer, inverseRMS: a.inv2.pointer)
        }
        project(l, .gate, a.h2, a.gate, a, dropoutKey: dropoutKey)
        project(l, .up, a.h2, a.up, a, dropoutKey: dropoutKey)
        Kernels.swiglu(count: n * c.intermediateSize, gate: a.gate.pointer, up: a.up.pointer, out: a.act.pointer)
        project(l, .down, a.act, residual, a, accumulate: true, dropoutKey: dropoutKey)
    }

    /// A frozen projection plus its LoRA branch: `out (+)= in·Wᵀ + scaling · (dropout(in)·Aᵀ)·Bᵀ`.
    func project(_ l: Int, _ proj: Projection, _ input: FloatBuffer, _ output: FloatBuffer, _ a: LayerActivations,
                         accumulate: Bool = false, dropoutKey: UInt64?) {
        if let full {
            let (out, inp) = proj.shape(model.config)
            BLAS.sgemm(transposeA: false, transposeB: true, m: n, n: out, k: inp, a: input.pointer, lda: inp,
                       b: full.values.pointer + full.layers[l][proj], ldb: inp, beta: accumulate ? 1 : 0, c: output.pointer, ldc: out)
            return
        }
        let linear = model.layers[l][proj]
        linear.forward(x: input.pointer, rows: n, y: output.pointer, accumulate: accumulate, scratch: scratch)
        guard let slot = parameters.slots[l][proj], let xa = a.xa[proj] else { return }
        let r = parameters.rank
        var loraIn = UnsafePointer(input.pointer)
        if parameters.dropout > 0, let mask = a.dropoutMask[proj] {
            mask.applied = dropoutKey != nil
            if let key = dropoutKey {
                let stream = SeededGenerator(seed: key).substream(UInt64(l * 16 + Projection.allCases.firstIndex(of: proj)!))
                drawDropout(mask, stream: stream, applyingTo: input.pointer, count: n * slot.inFeatures, into: temp.pointer)
                loraIn = UnsafePointer(temp.pointer)
            }
        }
        let v = parameters.values.pointer
        BLAS.sgemm(transposeA: false, transposeB: true, m: n, n: r, k: slot.inFeatures,
                   a: loraIn, lda: slot.inFeatures, b: v + slot.a, ldb: slot.inFeatures, c: xa.pointer, ldc: r)
        BLAS.sgemm(transposeA: false, transposeB: true, m: n, n: slot.outFeatures, k: r, alpha: parameters.scaling,
                   a: xa.pointer, lda: r, b: v + slot.b, ldb: r, beta: 1, c: output.pointer, ldc: slot.outFeatures)
    }

    /// Backward of `project`: `dX (+)= dY·W` through the frozen weight, plus the LoRA branch, whose A and B
    /// gradients are accumulated.
    func projectBackward(_ l: Int, _ proj: Projection, input: FloatBuffer, dY: FloatBuffer, dX: FloatBuffer,
                                 accumulate: Bool, _ a: LayerActivations) {
        if let full {
            let (out, inp) = proj.shape(model.config)
            let offset = full.layers[l][proj]
            // dX (+)= dY · W; dW += dYᵀ · X.
            BLAS.sgemm(transposeA: false, transposeB: false, m: n, n: inp, k: out, a: dY.pointer, lda: out,
                       b: full.values.pointer + offset, ldb: inp, beta: accumulate ? 1 : 0, c: dX.pointer, ldc: inp)
            BLAS.sgemm(transposeA: true, transposeB: false, m: out, n: inp, k: n, a: dY.pointer, lda: out,
                       b: input.pointer, ldb: inp, beta: 1, c: full.gradients.pointer + offset, ldc: inp)
            return
        }
        let linear = model.layers[l][proj]
        linear.backwardInput(dy: dY.pointer, rows: n, dx: dX.pointer, accumulate: accumulate, scratch: scratch)
        guard let slot = parameters.slots[l][proj], let xa = a.xa[proj] else { return }
        let r = parameters.rank, s = parameters.scaling
        let v = parameters.values.pointer, g = parameters.gradients.pointer
        let mask = parameters.dropout > 0 ? a.dropoutMask[proj].flatMap { $0.applied ? $0 : nil } : nil
        var loraIn = UnsafePointer(input.pointer)
        if let mask {
            // The branch's input as the forward pass had it, recomputed from the mask.
            applyDropout(mask, to: input.pointer, count: n * slot.inFeatures, into: temp.pointer)
            loraIn = UnsafePointer(temp.pointer)
        }
        // dB += s · dYᵀ · xa
        BLAS.sgemm(transposeA: true, transposeB: false, m: slot.outFeatures, n: r, k: n, alpha: s,
                   a: dY.pointer, lda: slot.outFeatures, b: xa.pointer, ldb: r, beta: 1, c: g + slot.b, ldc: r)
        // d(xa) = s · dY · B
        BLAS.sgemm(transposeA: false, transposeB: false, m: n, n: r, k: slot.outFeatures, alpha: s,
                   a: dY.pointer, lda: slot.outFeatures, b: v + slot.b, ldb: r, c: dxa.pointer, ldc: r)
        // dA += d(xa)ᵀ · dropout(x)
        BLAS.sgemm(transposeA: true, transposeB: false, m: r, n: slot.inFeatures, k: n,
                   a: dxa.pointer, lda: r, b: loraIn, ldb: slot.inFeatures, beta: 1, c: g + slot.a, ldc: slot.inFeatures)
        // dX += (d(xa) · A) ⊙ dropout scale (0 or 1/(1−p))
        if let mask {
            BLAS.sgemm(transposeA: false, transposeB: false, m: n, n: slot.inFeatures, k: r,
                       a: dxa.pointer, lda: r, b: v + slot.a, ldb: slot.inFeatures, c: temp.pointer, ldc: slot.inFeatures)
            mask.scale(UnsafePointer(temp.pointer), by: 1 / (1 - parameters.dropout), count: n * slot.inFeatures,
                       into: dX.pointer, accumulate: true)
        } else {
            BLAS.sgemm(transposeA: false, transposeB: false, m: n, n: slot.inFeatures, k: r,
                       a: dxa.pointer, lda: r, b: v + slot.a, ldb: slot.inFeatures, beta: 1, c: dX.pointer, ldc: slot.inFeatures)
        }
    }

    /// Draws `mask` from `stream` (element i keeps when the stream's i-th uniform draw is at least p) and writes
    /// `out = x ⊙ scale` as `applyDropout` does.
    func drawDropout(_ mask: DropoutMask, stream: SeededGenerator, applyingTo x: UnsafePointer<Float>, count: Int,
                     into out: UnsafeMutablePointer<Float>) {
        mask.draw(stream, dropping: parameters.dropout)
        applyDropout(mask, to: x, count: count, into: out)
    }

    /// `out = x ⊙ scale`, the scale 1/(1−p) where `mask` kept the element and 0 where it dropped it: the same
    /// products, bit for bit, in the forward pass and when the backward pass recomputes them.
    func applyDropout(_ mask: DropoutMask, to x: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>) {
        mask.scale(x, by: 1 / (1 - parameters.dropout), count: count, into: out, accumulate: false)
    }

    /// One block backward: `dx` holds the gradient of the block's output and leaves holding its input's.
    private func backwardLayer(_ l: Int, _ a: LayerActivations) {
        let c = model.config
        if let g = c.gemma3 { return backwardGemma3Layer(l, a, g) }
        let layer = model.layers[l]
        let d = c.hiddenSize
        // MLP: out = xMid + down(silu(gate) · up)
        projectBackward(l, .down, input: a.act, dY: dx, dX: dAct, accumulate: false, a)
        Kernels.swigluBackward(count: n * c.intermediateSize, gate: a.gate.pointer, up: a.up.pointer, dOut: dAct.pointer,
                               dGate: dGate.pointer, dUp: dUp.pointer)
        projectBackward(l, .gate, input: a.h2, dY: dGate, dX: dh, accumulate: false, a)
        projectBackward(l, .up, input: a.h2, dY: dUp, dX: dh, accumulate: true, a)
        withWeights(layer.postAttentionNorm, { $0.layers[l].postAttentionNorm }) { w, g in
            Kernels.rmsNormBackward(rows: n, dim: d, x: a.xMid.pointer, weight: w, inverseRMS: a.inv2.pointer,
                                    dy: dh.pointer, dx: dx.pointer, accumulate: true, weightGradient: g)
        }
        // Attention: xMid = xIn + o(attention(q, k, v))
        projectBackward(l, .o, input: a.attn, dY: dx, dX: dAttn, accumulate: false, a)
        dk.zero()
        dv.zero()
        mask32.withUnsafeBufferPointer { m in
            AttentionBackward.run(batch: batch, sequence: sequence, heads: c.numAttentionHeads, kvHeads: c.numKeyValueHeads,
                                  headDim: c.headDim, q: a.q.pointer, k: a.k.pointer, v: a.v.pointer, keyMask: m.baseAddress!,
                                  dOut: dAttn.pointer, dq: dq.pointer, dk: dk.pointer, dv: dv.pointer, p: p.pointer, dp: dp.pointer)
        }
        rotate(q: dq, k: dk, inverse: true)
        projectBackward(l, .q, input: a.h1, dY: dq, dX: dh, accumulate: false, a)
        projectBackward(l, .k, input: a.h1, dY: dk, dX: dh, accumulate: true, a)
        projectBackward(l, .v, input: a.h1, dY: dv, dX: dh, accumulate: true, a)
        withWeights(layer.inputNorm, { $0.layers[l].inputNorm }) { w, g in
            Kernels.rmsNormBackward(rows: n, dim: d, x: a.xIn.pointer, weight: w, inverseRMS: a.inv1.pointer,
                                    dy: dh.pointer, dx: dx.pointer, accumulate: true, weightGradient: g)
        }
    }

    /// RoPE on every row's query and key heads, at the row's position in its sequence; `inverse` rotates back
    /// (the backward pass of the rotation, applied to their gradients).
    /// `local` selects the tables of Gemma 3's sliding-window layers.
    func rotate(q: FloatBuffer, k: FloatBuffer, inverse: Bool, local: Bool = false) {
        let c = model.config
        let qW = c.queryWidth, kvW = c.keyValueWidth, half = c.headDim / 2
        (local ? localCos : model.ropeCos).withUnsafeBufferPointer { cosT in
            (local ? localSin : model.ropeSin).withUnsafeBufferPointer { sinT in
                Parallel.forEachPart(n, cost: qW + kvW) { rows in
                    for r in rows {
                        let pos = r % sequence
                        let cp = cosT.baseAddress! + pos * half, sp = sinT.baseAddress! + pos * half
                        Kernels.rope(q.pointer + r * qW, heads: c.numAttentionHeads, headDim: c.headDim, cos: cp, sin: sp, inverse: inverse)
                        Kernels.rope(k.pointer + r * kvW, heads: c.numKeyValueHeads, headDim: c.headDim, cos: cp, sin: sp, inverse: inverse)
                    }
                }
            }
        }
    }

    /// Calls `body` with a non-projection weight and, in full fine-tuning, its gradient: the flat buffers' tensor
    /// at `offset` then, else the model's frozen `array` and no gradient.
    private func withWeights<R>(_ array: [Float], _ offset: (FullParameters) -> Int,
                                _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>?) -> R) -> R {
        if let full {
            let o = offset(full)
            return body(full.values.pointer + o, full.gradients.pointer + o)
        }
        return array.withUnsafeBufferPointer { body($0.baseAddress!, nil) }
    }
}
