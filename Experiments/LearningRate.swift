import ExperimentSpec

extension Experiments {
    /// Table 9's learning rates on SmolLM2-135M, three seeds each.
    public static let learningRate = Experiment("learning-rate") {
        Description("""
            Table 9's two learning rates — 2e-4 (7B, 13B) and 1e-4 (33B, 65B) — on SmolLM2-135M with B.2's defaults, \
            three seeds each, so that the difference can be read against seed noise.
            """)
        Question("On a 135M model, which of the paper's learning rates trains further in 200 steps, beyond seed noise?")
        Hypothesis("2e-4 reaches a lower held-out loss than 1e-4; the gap is larger than the spread across seeds.")
        Model.smolLM2_135M
        Dataset.chatterbot(.english)
        QLoRA.paperDefaults.scaled(steps: 200, batchSize: 8, sourceLength: 128, targetLength: 64)
        Fix(\.evalEvery, 50)
        Axis(\.optimizer.learningRate, Table9.learningRates)
        Seeds(3)
        Evaluate {
            HeldOutLoss()
            Tournament(judge: .reference, prompts: 40, orderings: 1000, maxNewTokens: 64)
        }
    }
}
