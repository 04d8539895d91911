import ExperimentSpec

extension Experiments {
    /// The LoRA search of the paper's Appendix A.1 (dropout × rank × layer set × learning rate), shrunk to SmolLM2.
    public static let appendixB = Experiment("appendix-b") {
        Description("""
            The QLoRA paper's LoRA hyper-parameter search (Appendix A.1): dropout {0, 0.05, 0.1} × r {8, …, 256} × \
            five layer sets × learning rate, on SmolLM2-135M with B.2's other defaults and a short schedule.
            """)
        Question("On a small model, does r matter once LoRA adapts all layers, and which layer sets are enough?")
        Hypothesis("""
            As in the paper: with all layers adapted the rank hardly matters; key+query alone is clearly worse; \
            dropout makes little difference at 60 steps.
            """)
        Notes("""
            The appendix gives no learning-rate values, so the grid uses Table 9's two (1e-4, 2e-4). 3 × 6 × 5 × 2 = \
            180 cells of at most 60 × 8 × (64 + 32) = 46,080 tokens: roughly 80 s a cell at 600 tokens/s, about \
            4 hours on one worker. The order is shuffled, not length-grouped: 60 steps are little more than one \
            mega-batch of 50 × 8 examples, which grouping sorts longest first.
            """)
        Model.smolLM2_135M
        Dataset.tasks(.english)
        QLoRA.paperDefaults.scaled(steps: 60, batchSize: 8, sourceLength: 64, targetLength: 32)
        Fix(\.data.groupByLength, false)
        AppendixA1.grid(learningRates: Table9.learningRates)
        Evaluate {
            HeldOutLoss()
            ExactAnswers(.arithmetic, examples: 100, maxNewTokens: 8)
        }
    }
}
