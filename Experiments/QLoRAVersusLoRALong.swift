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
            `qlora-vs-lora`. Run on 2026-12-07 on a 2-core AMD Zen 3 (family 25 model 1, kernel 6.18, \
            `OPENBLAS_CORETYPE` unset: OpenBLAS's Zen kernel, and the oneDNN matmul backend qlab's `auto` chose), two \
            cells at a time with one thread each: 64 min 11 s for the 6 cells, over the hour by 4 minutes, with \
            builds and a test run of this project sharing the machine for about 25 of them.
            """)
        Conclusion("""
            **The gap narrows with training but does not close by step 320.** Held-out loss after 320 steps (2,006 \
            answer tokens, 3 seeds, mean ± 95% t-interval): float32 1.0089 ± 0.0147, NF4 + DQ 1.0465 ± 0.0084. Paired \
            by seed, NF4 + DQ − float32 = +0.0644 ± 0.0029 nats at step 80, +0.0458 ± 0.0207 at 160, +0.0469 ± 0.0079 \
            at 240 and +0.0376 ± 0.0080 at 320: higher in every seed at every step, each difference significant \
            after Holm's adjustment over the four steps. From step 80 to 320 the gap shrinks by 42%, most of it \
            between steps 80 and 160, and it is still 3.6% of the loss at the end. The training loss tells the \
            same story earlier on: the paired gap, averaged over ten steps, falls from 0.355 nats over steps 1–10 \
            to 0.150 over 31–40 and 0.068 over 71–80, and then stays between 0.05 and 0.07 up to step 320.

            So most of what NF4 rounding costs the base is recovered by the adapters within the first 80 steps, \
            and the rest comes back slowly, if at all: a quarter of an epoch more data did not halve what was left. \
            The paper's Table 3 and Figure 3 find no gap at 7B–65B parameters after thousands of steps; here, at \
            135M parameters and 1,280 training examples, a gap of 0.038 nats remains, an order of magnitude smaller \
            than the 0.164 `qlora-vs-lora` measured after 40 steps at 2e-4 (a different batch and rate, so not the \
            same run continued). The caveat of `qlora-vs-lora` holds here too: the float32 base is Q4_1 weights \
            dequantized, so the gap is that of a second 4-bit rounding (NF4 of Q4_1) over the first, not of 4-bit \
            against 16-bit weights. How sure: the direction and size at each step are clear across three data \
            orders; whether the gap reaches zero with several epochs this grid does not show. \
            \(ResearchGrid.seedCaveat)
            """)
        ResearchGrid.chatterbot320Steps
        ResearchGrid.qloraOrLoRABase
        Seeds(3)
        Evaluate {
            Perplexity.fortunes(at: [.base])
            HeldOutLoss()
        }
    }
}
