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
            scored on the same held-out split. Rates are spaced roughly evenly on a log scale (×2 to ×2.5). The 21 \
            new cells ran on 2026-12-07 on a 2-core AMD Zen 3 (family 25 model 1, kernel 6.18, OpenBLAS's Zen kernel \
            and the oneDNN matmul backend qlab's `auto` chose), two at a time with one thread each, in 43 min 8 s \
            with nothing else running; the nine shared cells were computed earlier on an AMD Zen 5 (SkylakeX kernel, \
            OpenBLAS), as their lineage says.
            """)
        Conclusion("""
            **The best rate for 40 steps is about 2e-3 at both ranks, ten times Table 9's 2e-4, and the loss turns \
            up on both sides of it in every seed.** Held-out loss after 40 steps (2,006 answer tokens, 3 seeds, mean \
            ± 95% t-interval), r 64: 2e-4 2.0552 ± 0.0804, 5e-4 1.4046 ± 0.1320, 1e-3 1.2171 ± 0.0399, 2e-3 \
            1.1765 ± 0.0405, 5e-3 1.3342 ± 0.1884; r 8: 2.0561 ± 0.0959, 1.4102 ± 0.1432, 1.2180 ± 0.0518, \
            1.1820 ± 0.0439, 1.3748 ± 0.1637. Paired by seed against 2e-3 at the same rank, 1e-3 is higher by \
            +0.0406 ± 0.0525 (r 64) and +0.0360 ± 0.0526 (r 8), 5e-3 by +0.1577 ± 0.1823 and +0.1928 ± 0.1545: \
            higher in each of the three seeds every time, but with three seeds the intervals are wide, and after \
            Holm's adjustment over the table's eight comparisons with the best only 2e-4 differs significantly \
            (the others are suggestive or not different). So the optimum lies between 1e-3 and 5e-3, most likely \
            near 2e-3; a finer grid or more seeds would place it.

            **The rank hardly matters at any rate up to the best, and r 8 suffers more past it.** r 8 − r 64, \
            paired by seed: +0.0009 ± 0.0156 at 2e-4, +0.0056 ± 0.0116 at 5e-4, +0.0009 ± 0.0153 at 1e-3, \
            +0.0055 ± 0.0042 at 2e-3, and +0.0406 ± 0.0252 at 5e-3, where r 8 is worse in every seed. That fits the \
            α/r scaling (α 16 multiplies an r 8 adapter's output by 2 and an r 64 adapter's by 0.25): once the rate \
            is too large, the adapter whose output is scaled up more is hurt more. The hypothesis that r 8's best \
            rate is lower than r 64's is not borne out at this spacing (both peak at 2e-3). Against the rate, the \
            rank is small: moving from 2e-4 to 2e-3 lowers the loss by 0.88 nats at either rank, more than a hundred \
            times the largest rank difference below the optimum, which agrees with Table 9 and B.2 that the rate \
            needs tuning and the rank, with adapters on every layer, does not. Table 9's 2e-4 is chosen for 7B–65B \
            models and thousands of steps; for 40 steps on a 135M model it is ten times too small. \
            \(ResearchGrid.seedCaveat)
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
