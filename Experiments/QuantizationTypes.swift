import ExperimentSpec

extension Experiments {
    /// NF4, FP4, Int4 and unquantized frozen weights, each with and without double quantization: the paper's
    /// Table 2 (zero-shot perplexity of the quantized base), then held-out loss after fine-tuning.
    public static let quantizationTypes = Experiment("quantization-types") {
        Description("""
            The storage type of the frozen weights — NF4, FP4, Int4 or float32 — with and without double \
            quantization of the block constants: first the zero-shot perplexity of the quantized base on held-out \
            text (the paper's Table 2), then the held-out loss after a short fine-tuning with the same LoRA settings.
            """)
        Question("How much perplexity does each 4-bit type cost before fine-tuning, how much held-out loss after, and does double quantization cost anything?")
        Hypothesis("""
            As the paper's Table 2: zero-shot perplexity Int4 > FP4 > NF4, float32 lowest; double quantization \
            changes it by almost nothing. After fine-tuning the same order holds, with the gaps no wider.
            """)
        Notes("""
            Float32 with double quantization means nothing (there are no block constants), so it is skipped: \
            4 × 2 − 1 = 7 configurations × 3 seeds = 21 cells. Zero-shot perplexity (`perplexity_fortunes_base`, \
            measured at step 0, before any update) is on the Debian fortune files literature, wisdom, science, \
            people and work joined in that order: the first 8,192 tokens, windows of 256, as `qlab eval --text` \
            measures it; it does not depend on the seed, so the three seeds of a configuration must agree on it \
            exactly (a check, not three samples). The float32 base is the demo GGUF's Q4_1 weights dequantized: \
            those weights were already rounded to 4 bits once, so every 4-bit type here re-quantizes a 4-bit grid; \
            for the clean comparison use a float checkpoint through Model.path. Fine-tuning: 40 steps of 8 \
            ChatterBot pairs at Table 9's 2e-4, in a shuffled order (40 steps are less than one length-grouped \
            mega-batch of 50 × 8 examples, which would train from the longest pairs to the shortest).
            """)
        Model.smolLM2_135M
        Dataset.chatterbot(.english)
        QLoRA.paperDefaults.scaled(steps: 40, batchSize: 8, sourceLength: 64, targetLength: 64)
        Fix(\.data.groupByLength, false)
        Fix(\.gradientCheckpointing, false)  // 135M parameters: activations fit, and recomputing them costs a third
        Fix(\.checkpointEvery, 20)
        Axis(\.model.quantization, [QuantizationKind.nf4, .fp4, .int4, .none])
        Axis(\.model.doubleQuant, [false, true])
        Skip("float32 weights have no block constants to quantize") { cell in
            cell.config.model.quantization == .none && cell.config.model.doubleQuant
        }
        Seeds(3)
        Evaluate {
            Perplexity.fortunes(at: [.base])
            HeldOutLoss()
        }
    }
}
