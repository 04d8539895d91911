import ExperimentSpec

extension Experiments {
    /// NF4, FP4, Int4 and unquantized frozen weights, each with and without double quantization (the paper's Table 2 question).
    public static let quantizationTypes = Experiment("quantization-types") {
        Description("""
            The storage type of the frozen weights — NF4, FP4, Int4 or float32 — with and without double \
            quantization of the block constants, fine-tuned with the same LoRA settings.
            """)
        Question("How much held-out loss does each 4-bit type cost, before and after fine-tuning, and does double quantization cost anything?")
        Hypothesis("NF4 ≤ FP4 < Int4 in loss, float32 lowest; double quantization changes the loss by noise only.")
        Notes("""
            Float32 with double quantization means nothing (there are no block constants), so it is skipped: \
            4 × 2 − 1 = 7 configurations × 2 seeds. The demo checkpoint of SmolLM2 is a Q4_1 GGUF whose weights \
            were already rounded to 4 bits; for the clean comparison use a float checkpoint through Model.path.
            """)
        Model.smolLM2_135M
        Dataset.chatterbot(.english)
        QLoRA.paperDefaults.scaled(steps: 100, batchSize: 8, sourceLength: 64, targetLength: 64)
        Set(\.evalEvery, 25)
        Axis(\.model.quantization, [QuantizationKind.nf4, .fp4, .int4, .none])
        Axis(\.model.doubleQuant, [false, true])
        Skip("float32 weights have no block constants to quantize") { cell in
            cell.config.model.quantization == .none && cell.config.model.doubleQuant
        }
        Seeds(2)
        Evaluate { HeldOutLoss() }
    }
}
