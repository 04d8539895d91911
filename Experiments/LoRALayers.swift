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
            `learning-rate`'s, so the all-layer r 64 cells are computed once for this experiment and `learning-rate`.
            """)
        Model.smolLM2_135M
        Dataset.chatterbot(.english)
        QLoRA.paperDefaults.scaled(steps: 40, batchSize: 8, sourceLength: 64, targetLength: 64)
        Fix(\.optimizer.learningRate, 5e-4)
        Fix(\.data.groupByLength, false)
        Fix(\.gradientCheckpointing, false)  // 135M parameters: activations fit, and recomputing them costs a third
        Fix(\.checkpointEvery, 20)
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
