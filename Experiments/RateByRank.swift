import ExperimentSpec

extension Experiments {
    /// Table 9 / B.2: a learning-rate grid wide enough that the held-out loss turns up on both sides of its best
    /// rate, at the two ranks `lora-layers` compares.
    public static let rateByRank = Experiment("rate-by-rank") {
        Description("""
            Five constant learning rates from 2e-4 to 5e-3 crossed with LoRA ranks 8 and 64 (α 16, all linear \
            layers), three seeds each, on SmolLM2-135M in NF4 + DQ, 40 steps of 8 ChatterBot pairs as in the \
            other ChatterBot grids.
            """)
        Question("Where is the best learning rate for a 40-step run, and does it depend on the rank?")
        Hypothesis("""
            `learning-rate` found the loss still falling at its largest rate, 5e-4, so the best rate lies above it; \
            with α fixed at 16 the adapter's output is scaled by α/r (2 at r 8, 0.25 at r 64), so the same rate \
            moves an r 8 adapter further and its best rate is lower than r 64's. Past the best rate the loss turns \
            up (B.2 warns that large models need small rates).
            """)
        Notes("""
            5 rates × 2 ranks × 3 seeds = 30 cells, nine of them shared with `learning-rate` (2e-4 and 5e-4 at r 64) \
            and `lora-layers` (5e-4 at r 8): same configuration and files, so the same ids, computed once. The \
            other 21 ran two at a time with one thread each. Each seed draws its own data order; every cell is \
            scored on the same held-out split. Rates are spaced roughly evenly on a log scale (×2 to ×2.5).
            """)
        ResearchGrid.chatterbot40Steps
        Axis(\.optimizer.learningRate, [2e-4, 5e-4, 1e-3, 2e-3, 5e-3])
        Axis(\.lora.rank, [8, 64])
        Seeds(3)
        Evaluate {
            Perplexity.fortunes(at: [.base])
            HeldOutLoss()
        }
    }
}
