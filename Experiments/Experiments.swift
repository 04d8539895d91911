import ExperimentSpec

/// The experiments `qlab` knows, one Swift file each.
///
/// Adding an experiment is one new file and one line:
///
/// 1. Create `Experiments/MyQuestion.swift`:
///
///    ```swift
///    import ExperimentSpec
///
///    extension Experiments {
///        /// One line saying what it asks.
///        public static let myQuestion = Experiment("my-question") {
///            Question("Does a larger rank help on arithmetic?")
///            Model.smolLM2_135M
///            Dataset.tasks(.english)
///            QLoRA.paperDefaults.scaled(steps: 100, batchSize: 8, sourceLength: 64, targetLength: 32)
///            Axis(\.lora.rank, [8, 64])
///            Seeds(2)
///            Evaluate { HeldOutLoss(); ExactAnswers(.arithmetic) }
///        }
///    }
///    ```
///
/// 2. Add `myQuestion` to `all` below. `qlab plan my-question` then lists its cells; a misspelt setting in
///    an `Axis` or `Fix` does not compile, and a contradiction (a setting both fixed and varied) fails the plan.
public enum Experiments {
    /// Every registered experiment, in the order `qlab plan` lists them.
    public static let all: [Experiment] = [
        smoke,
        appendixB,
        quantizationTypes,
        loraLayers,
        qloraVersusLoRA,
        learningRate,
        rateByRank,
        qloraVersusLoRALong,
        quantizationTypesLong,
        multiTurn,
        memory,
        chinese,
        clusterCheck,
    ]

    /// The experiment called `name`, if registered.
    public static func named(_ name: String) -> Experiment? {
        all.first { $0.name == name }
    }
}
