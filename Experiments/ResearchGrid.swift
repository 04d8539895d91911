import ExperimentSpec

/// What the research grids on ChatterBot share, in one place: their cells are the same computation (same
/// configuration, same files, so the same ids) only while these settings are identical.
enum ResearchGrid {
    /// SmolLM2-135M in B.2's settings on ChatterBot pairs, 40 steps of 8, in a shuffled order, no recomputed
    /// activations (135M parameters: they fit, and recomputing them costs a third), a checkpoint every 20 steps.
    @ExperimentBuilder static var chatterbot40Steps: [any ExperimentComponent] {
        Model.smolLM2_135M
        Dataset.chatterbot(.english)
        QLoRA.paperDefaults.scaled(steps: 40, batchSize: 8, sourceLength: 64, targetLength: 64)
        Fix(\.data.groupByLength, false)
        Fix(\.gradientCheckpointing, false)
        Fix(\.checkpointEvery, 20)
    }

    /// The longer grids' settings (`qlora-vs-lora-long`, `quantization-types-long`): SmolLM2-135M in B.2's settings
    /// on ChatterBot pairs, 320 steps of 4 at 5e-4 in a shuffled order, a checkpoint and a held-out loss every 80
    /// steps. Their cells are the same computation wherever these settings and the rest agree.
    @ExperimentBuilder static var chatterbot320Steps: [any ExperimentComponent] {
        Model.smolLM2_135M
        Dataset.chatterbot(.english)
        QLoRA.paperDefaults.scaled(steps: 320, batchSize: 4, sourceLength: 64, targetLength: 64)
        Fix(\.data.groupByLength, false)
        Fix(\.gradientCheckpointing, false)
        Fix(\.optimizer.learningRate, 5e-4)
        Fix(\.checkpointEvery, 80)
        Fix(\.evalEvery, 80)
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
