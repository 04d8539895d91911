import ExperimentSpec

extension Experiments {
    /// Table 9 / B.2: the learning rate against the rank, and a constant schedule against cosine.
    public static let learningRate = Experiment("learning-rate") {
        Description("""
            Table 9's two learning rates — 2e-4 (7B, 13B) and 1e-4 (33B, 65B) — and 5e-4 beyond them with B.2's \
            constant schedule, and 2e-4 with cosine decay too, three seeds each, on SmolLM2-135M with B.2's r 64.
            """)
        Question("Does the learning rate matter more than the rank, and is a constant schedule as good as cosine?")
        Hypothesis("""
            As the paper (Table 9, B.2, A.1): the held-out loss moves with the learning rate by more than it moves \
            with the rank (`lora-layers` varies the rank at 5e-4 with the same other settings), and the constant \
            schedule ends at least as low as cosine.
            """)
        Notes("""
            4 configurations × 3 seeds = 12 cells of 40 steps of 8 ChatterBot pairs, in a shuffled order (40 steps \
            are less than one length-grouped mega-batch, which would train from the longest pairs to the shortest). \
            Cosine decays from the peak to 0 over the 40 steps with no warm-up; constant stays at the peak; the \
            schedules are compared at 2e-4 only, to save time. Six cells are shared (same configuration and \
            files, so the same cell ids, computed once): 2e-4 constant with `quantization-types`' NF4 + DQ cells, \
            5e-4 constant with `lora-layers`' all-layer r 64 cells; every cell asks for the base perplexity for that \
            reason (measured once per base and read by the other cells). Each seed also draws its own data order, \
            and every cell is scored on the same held-out split. Run for this page on 2026-12-07 on a 2-core AMD Zen 5 (two cells at a time, one BLAS thread each, the SkylakeX kernel named with `--blas-core` \
            and `--matmul openblas`, as the grid's first runs on an Intel Xeon computed; their held-out metrics came out the same \
            to every printed digit): 5 min 11 s of wall time for the 6 cells \
            not shared, from a store holding the shared ones; the time table below has each cell's seconds.
            """)
        Conclusion("""
            **The learning rate matters far more than the rank: agrees.** Held-out loss after 40 steps at r 64, \
            constant schedule (2,006 answer tokens, 3 seeds, mean ± 95% t-interval): 1e-4 2.5586 ± 0.0710, 2e-4 \
            2.0552 ± 0.0804, 5e-4 1.4046 ± 0.1320. Paired by seed (same data order), 1e-4 − 2e-4 = +0.5034 ± 0.0452 \
            and 2e-4 − 5e-4 = +0.6506 ± 0.0856 nats, against r 8 − r 64 = +0.0056 ± 0.0116 at 5e-4 (`lora-layers`, \
            same settings): each step in rate moves the loss about a hundred times more than an eightfold change \
            in rank, in every seed. In a 40-step budget the largest rate tried is also the best; where it stops \
            helping is not tested here.

            **Cosine to zero over 40 steps ends higher than constant at the same peak, and that is the smaller \
            rate, not the schedule.** At a 2e-4 peak, cosine decay to zero over the 40 steps ends at 2.6104 ± \
            0.1095, +0.5551 ± 0.0409 nats above the constant schedule (paired by seed). But a cosine from 2e-4 to \
            0 sums to the same rate over the run as constant 1e-4, and against constant 1e-4 the difference is \
            +0.0518 ± 0.0460: an interval that covers 0, so at equal area the two schedules cannot be told apart \
            here. The paper trains with a constant schedule and makes no claim that constant beats cosine; this \
            grid shows only that in so short a run decaying the rate means training less. How sure: the three \
            large effects (1e-4 − 2e-4, 2e-4 − 5e-4, cosine − constant at 2e-4) are 11.1, 7.6 and 13.6 times the \
            half-widths of their 95% intervals and hold in every seed and data order; this grid does not bracket the \
            rate (the loss still falls at the largest rate tried, 5e-4); `rate-by-rank` does, and finds the best \
            rate for 40 steps near 2e-3 at ranks 8 and 64, with the loss higher at 1e-3 and at 5e-3 in every seed. \
            \(ResearchGrid.seedCaveat)
            """)
        ResearchGrid.chatterbot40Steps
        Axis(\.optimizer.learningRate, Table9.learningRates + [5e-4])
        Axis(\.schedule.kind, [ScheduleKind.constant, .cosine])
        Skip("cosine is compared with constant at Table 9's 2e-4 only") { cell in
            cell.config.optimizer.learningRate != 2e-4 && cell.config.schedule.kind == .cosine
        }
        Seeds(3)
        Evaluate {
            Perplexity.fortunes(at: [.base])
            HeldOutLoss()
        }
    }
}
