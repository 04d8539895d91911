import ExperimentSpec

/// What the research grids on ChatterBot share, in one place: their cells are the same computation (same
/// configuration, same files, so the same ids) only while these settings are identical.
enum ResearchGrid {
    /// SmolLM2-135M in B.2's settings on ChatterBot pairs, `steps` steps of `batchSize` in a shuffled order, no
    /// recomputed activations (135M parameters: they fit, and recomputing them costs a third), a checkpoint every
    /// `checkpointEvery` steps.
    @ExperimentBuilder static func chatterbot(steps: Int, batchSize: Int, checkpointEvery: Int) -> [any ExperimentComponent] {
        Model.smolLM2_135M
        Dataset.chatterbot(.english)
        QLoRA.paperDefaults.scaled(steps: steps, batchSize: batchSize, sourceLength: 64, targetLength: 64)
        Fix(\.data.groupByLength, false)
        Fix(\.gradientCheckpointing, false)
        Fix(\.checkpointEvery, checkpointEvery)
    }

    /// The 40-step grids' settings: 40 steps of 8, a checkpoint every 20 steps.
    static var chatterbot40Steps: [any ExperimentComponent] { chatterbot(steps: 40, batchSize: 8, checkpointEvery: 20) }

    /// The longer grids' settings (`qlora-vs-lora-long`, `quantization-types-long`): 320 steps of 4 at 5e-4, a
    /// checkpoint and a held-out loss every 80 steps.
    static var chatterbot320Steps: [any ExperimentComponent] {
        chatterbot(steps: 320, batchSize: 4, checkpointEvery: 80)
            + [Fix(\.optimizer.learningRate, 5e-4), Fix(\.evalEvery, 80)]
    }

    /// The axis `qlora-vs-lora` and its longer version vary: the base stored in NF4 with double quantization
    /// (QLoRA) or in float32 (LoRA).
    @ExperimentBuilder static var qloraOrLoRABase: [any ExperimentComponent] {
        Axis(\.model, over: ["qlora-nf4-dq", "lora-float32"], name: "base") { label in
            label == "lora-float32" ? ModelSettings(quantization: .none, doubleQuant: false)
                                    : ModelSettings(quantization: .nf4, doubleQuant: true)
        }
    }

    /// What the research grids' seeds do and do not vary, for their conclusions.
    static let seedCaveat = """
        The three seeds vary the adapter initialisation, the dropout and the shuffled data order (which follows \
        each cell's seed); every cell is scored on the same held-out split (`data.splitSeed` 42), so the intervals \
        are those of training noise on one test set.
        """
}
