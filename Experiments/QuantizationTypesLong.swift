import ExperimentSpec

extension Experiments {
    /// `quantization-types`' three 4-bit types, all with double quantization, trained eight times as many steps with
    /// the held-out loss measured along the way, so that a reader sees whether their gaps close or hold.
    public static let quantizationTypesLong = Experiment("quantization-types-long") {
        Description("""
            The three 4-bit storage types of the frozen weights — NF4, FP4 and Int4, each with double quantization \
            of the block constants — under the same LoRA adapters (B.2: r 64, α 16, all linear layers) trained \
            for 320 steps at 5e-4 instead of `quantization-types`' 40 at 2e-4, with the held-out loss measured \
            every 80 steps, three seeds each. Its NF4 cells are `qlora-vs-lora-long`'s.
            """)
        Question("Do the held-out loss gaps between NF4, FP4 and Int4 bases (all with double quantization) close, hold or widen when the adapters train longer?")
        Hypothesis("""
            As the paper's Table 2 and §4: NF4 stays ahead of FP4 and Int4 after fine-tuning, and the gaps do not \
            close, because the adapters cannot undo a coarser rounding of the frozen weights.
            """)
        Notes("""
            3 types × 3 seeds = 9 cells of 320 steps of 4 ChatterBot pairs (1,280 of the 2,075 training pairs, \
            less than one pass) in a shuffled order, constant schedule. The NF4 + DQ cells have the same \
            configuration and inputs as `qlora-vs-lora-long`'s QLoRA cells, so they are the same cells and are \
            computed once. The held-out loss (the same 2,006 answer tokens as the other ChatterBot grids) is \
            measured at steps 80, 160, 240 and 320. Zero-shot perplexity on the fortunes text is measured at step \
            0, before any update, as in `quantization-types`. All three bases re-round the demo GGUF's Q4_1 weights \
            dequantized, so each type is a second 4-bit rounding of weights already on a 4-bit grid.
            """)
        Conclusion("Not run yet.")
        Model.smolLM2_135M
        Dataset.chatterbot(.english)
        QLoRA.paperDefaults.scaled(steps: 320, batchSize: 4, sourceLength: 64, targetLength: 64)
        Fix(\.data.groupByLength, false)
        Fix(\.gradientCheckpointing, false)
        Fix(\.optimizer.learningRate, 5e-4)
        Fix(\.checkpointEvery, 80)
        Fix(\.evalEvery, 80)
        Fix(\.model.doubleQuant, true)
        Axis(\.model.quantization, [QuantizationKind.nf4, .fp4, .int4])
        Seeds(3)
        Evaluate {
            Perplexity.fortunes(at: [.base])
            HeldOutLoss()
        }
    }
}
