import ExperimentSpec

extension Experiments {
    /// Two short cells to check a cluster set-up: run them with `--executor slurm` and again locally, and
    /// the lineage must show the same results (`qlab export cluster-check`).
    public static let clusterCheck = Experiment("cluster-check") {
        Description("""
            Two short QLoRA cells on SmolLM2-135M (two learning rates, 40 steps of 2 examples, a checkpoint every \
            5 steps) for checking that cells run on a cluster give the same bits as on this machine, and that a \
            cancelled task resumes from its checkpoint.
            """)
        Question("Do cells run as Slurm array tasks reproduce the local run bit for bit, also after a cancel?")
        Hypothesis("Yes: a cell's results depend on its configuration, inputs, BLAS core and thread count only.")
        Notes("""
            About 80 tokens a step; roughly 20 s a cell on one core. Both cells use one BLAS thread, so the array \
            asks for one CPU a task.
            """)
        Model.smolLM2_135M
        Dataset.tasks(.english)
        QLoRA.paperDefaults.scaled(steps: 40, batchSize: 2, sourceLength: 32, targetLength: 8)
        Fix(\.checkpointEvery, 5)
        Fix(\.data.groupByLength, false)  // 40 steps are less than one length-grouped mega-batch
        Fix(\.evalEvery, 20)
        Fix(\.gradientCheckpointing, false)
        Fix(\.threads, 1)
        Axis(\.optimizer.learningRate, [2e-4, 1e-3])
        Seeds(1)
        Evaluate {
            // Checks reproduction, not quality: a small held-out set keeps the cells short.
            HeldOutLoss(minTokens: 0, maxExamples: 16)
        }
    }
}
