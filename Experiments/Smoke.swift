import ExperimentSpec

extension Experiments {
    /// Four tiny cells on SmolLM2-135M: the end-to-end check that `make demo` runs.
    public static let smoke = Experiment("smoke") {
        Description("""
            The smallest useful grid: two learning rates × two LoRA ranks on the generated tasks (arithmetic, \
            copying, ordering), scored on exact arithmetic answers, \
            one seed, 40 steps of 4 examples. It exercises training, checkpoints, evaluation and the report.
            """)
        Question("Does QLoRA training move the held-out loss at all, and does a higher learning rate move it faster?")
        Hypothesis("Both learning rates lower the held-out loss; 1e-3 more than 2e-4 in 40 steps; the rank barely matters.")
        Notes("""
            Budget: at most 40 × 4 × (64 + 16) = 12,800 trained tokens a cell, at about 170 tokens/s a cell on 2 cores \
            (two cells side by side, one BLAS thread each). The held-out loss rests on at least 2,000 scored answer \
            tokens and the exact answers on 100 questions, so that differences can be told from noise; evaluating \
            takes a large share of each cell's time, so the held-out loss is measured once, after training (the \
            questions are answered in batches of same-length prompts). 1e-3 is 5× Table 9's 2e-4: 40 steps are too \
            few for the paper's rate to show much. The order is shuffled, not length-grouped: grouping sorts each \
            mega-batch of 50 × 4 examples longest first, and 40 steps of 4 are less than one, so a grouped run \
            trains from the longest examples to the shortest (its loss jumped at step 35 in every cell).
            """)
        Model.smolLM2_135M
        Dataset.tasks(.english)
        QLoRA.paperDefaults.scaled(steps: 40, batchSize: 4, sourceLength: 64, targetLength: 16)
        Fix(\.checkpointEvery, 10)
        Fix(\.data.groupByLength, false)  // shorter than one length-grouped mega-batch (see the Notes)
        Fix(\.evalEvery, 0)  // the held-out loss once, at the end: a second measurement at step 20 cost a demo 70 s
        Fix(\.gradientCheckpointing, false)  // 135M parameters: activations fit easily, and recomputing them costs a third
        Axis(\.optimizer.learningRate, [2e-4, 1e-3])
        Axis(\.lora.rank, [8, 16])
        Seeds(1)
        Evaluate {
            HeldOutLoss()
            ExactAnswers(.arithmetic, examples: 100, maxNewTokens: 8)
            Tournament(judge: .reference, prompts: 12, maxNewTokens: 12)
        }
    }
}
