import ExperimentSpec

extension Experiments {
    /// `qlora-vs-lora` trained eight times as many steps, with the held-out loss measured along the way, so that a
    /// reader sees whether the gap between the two bases closes.
    public static let qloraVersusLoRALong = Experiment("qlora-vs-lora-long") {
        Description("""
            `qlora-vs-lora` run for 320 steps instead of 40: the same LoRA adapters (B.2: r 64, α 16, all linear \
            layers) on SmolLM2-135M stored in NF4 with double quantization and in float32, at 5e-4 (the rate the \
            `lora-layers` grid trains at, the best of `learning-rate`'s three), with the held-out loss measured \
            every 80 steps, three seeds each.
            """)
        Question("Does the held-out loss gap between QLoRA on NF4 + DQ and LoRA on the float32 base close when the adapters train longer?")
        Hypothesis("""
            As the paper's Figure 3, where QLoRA follows 16-bit LoRA through training: the paired gap (NF4 + DQ \
            minus float32, same seed) shrinks with the steps, from the size `qlora-vs-lora` found after 40 steps \
            towards seed noise by step 320.
            """)
        Notes("""
            2 bases × 3 seeds = 6 cells of 320 steps of 4 ChatterBot pairs (1,280 of the 2,075 training pairs, less \
            than one pass) in a shuffled order, constant schedule, two cells at a time with one thread each. To fit \
            the hour the batch is 4, not `qlora-vs-lora`'s 8, so step 40 here has seen half the examples of that \
            grid's step 40 and the two grids' figures are not the same computation. The held-out loss (the same \
            2,006 answer tokens as the other ChatterBot grids) is measured at steps 80, 160, 240 and 320; each \
            checkpoint and evaluation is part of the cell's time. The float32 base is the demo GGUF's Q4_1 weights \
            dequantized, so the NF4 base is a second 4-bit rounding of weights already on a 4-bit grid, as in \
            `qlora-vs-lora`.
            """)
        Model.smolLM2_135M
        Dataset.chatterbot(.english)
        QLoRA.paperDefaults.scaled(steps: 320, batchSize: 4, sourceLength: 64, targetLength: 64)
        Fix(\.data.groupByLength, false)
        Fix(\.gradientCheckpointing, false)
        Fix(\.optimizer.learningRate, 5e-4)
        Fix(\.checkpointEvery, 80)
        Fix(\.evalEvery, 80)
        Axis(\.model, over: ["qlora-nf4-dq", "lora-float32"], name: "base") { label in
            label == "lora-float32" ? ModelSettings(quantization: .none, doubleQuant: false)
                                    : ModelSettings(quantization: .nf4, doubleQuant: true)
        }
        Seeds(3)
        Evaluate {
            Perplexity.fortunes(at: [.base])
            HeldOutLoss()
        }
    }
}
