import ExperimentSpec

extension Experiments {
    /// Appendix A.1 / Figure 2: which projections LoRA adapts, crossed with its rank.
    public static let loraLayers = Experiment("lora-layers") {
        Description("""
            Three of Appendix A.1's layer sets — key+query, all attention projections, all linear layers — at B.2's \
            r 64, and all linear layers at r 8 too, three seeds each, on SmolLM2-135M in NF4 + DQ with B.2's other \
            settings.
            """)
        Question("With LoRA on all linear layers, does the rank matter; and do attention-only or key+query adapters fall short of all layers?")
        Hypothesis("""
            As the paper's Appendix A.1 and Figure 2: with all layers adapted, r 8 and r 64 reach the same held-out \
            loss within seed noise; attention-only adapters, and key+query adapters more so, end with a higher loss.
            """)
        Notes("""
            4 configurations × 3 seeds = 12 cells of 40 steps of 8 ChatterBot pairs, in a shuffled order \
            (40 steps are less than one length-grouped mega-batch, which would train from the longest pairs to the \
            shortest). α stays 16, as in the paper, which keeps α fixed and searches the rate: the update is scaled \
            by α/r, 2 for r 8 and 0.25 for r 64. The rate is 5e-4, 2.5× Table 9's 2e-4, because 40 steps at 2e-4 \
            move the adapters too little for layer sets to separate (see `learning-rate`). The base perplexity is \
            measured too (it is the same in every cell): with it the evaluation is `quantization-types`' and \
            `learning-rate`'s, so the all-layer r 64 cells are computed once for this experiment and `learning-rate`. \
            Measured: 28 min 42 s of wall time on 2 cores (two cells at a time, one BLAS thread each, SkylakeX \
            kernel), with a build, the test suite and a rerun running beside it for much of that time.
            """)
        Conclusion("""
            **Agrees with the paper on both counts, by wide margins.** Held-out loss after 40 steps (2,006 answer \
            tokens, 3 seeds, mean ± 95% t-interval): all linear layers r 64 1.4328 ± 0.0048, all linear layers \
            r 8 1.4350 ± 0.0127, attention projections r 64 1.9907 ± 0.0104, key+query r 64 2.6266 ± 0.0094.

            - **The rank does not matter on all layers**: r 8 − r 64 = +0.0023 ± 0.0167, paired by seed (t = 0.6, \
              not significant), with 2.4M against 19.5M trainable parameters.
            - **Attention-only adapters fall short**: +0.558 ± 0.006 above all layers (paired, t = 406), and \
              **key+query falls further**: +0.636 ± 0.003 above all attention projections. All layers at r 8 beat \
              attention at r 64 with a third of its parameters, so it is where the adapters sit, not how many \
              parameters they have.

            How sure: the layer-set gaps are a hundred times their intervals and hold in every seed; "rank does \
            not matter" is a null result whose interval (±0.017) rules out a rank effect larger than about 1% of \
            the loss in this set-up. With α fixed at 16, r 8 scales its update eight times more than r 64, so \
            this compares rank and scale together, as the paper's search did. \
            \(ResearchGrid.seedCaveat)
            """)
        ResearchGrid.chatterbot40Steps
        Fix(\.optimizer.learningRate, 5e-4)
        Axis(\.lora.targets, over: [LoRASettings.LayerSet.keyQuery, .attention, .all], name: "lora.layers") { $0.targets }
        Axis(\.lora.rank, [8, 64])
        Skip("the rank is compared on all linear layers only") { cell in
            cell.config.lora.rank == 8 && cell.config.lora.targets != LoRASettings.LayerSet.all.targets
        }
        Seeds(3)
        Evaluate {
            Perplexity.fortunes(at: [.base])
            HeldOutLoss()
        }
    }
}
