import Testing
@testable import ExperimentSpec

struct ExperimentTests {
    private func small(@ExperimentBuilder _ body: () -> [any ExperimentComponent]) -> Experiment {
        Experiment("test") {
            Model.smolLM2_135M
            Dataset.tasks(.english)
            body()
        }
    }

    @Test func topLevelAxesFormAProductFirstAxisSlowest() throws {
        let cells = try small {
            Axis(\.optimizer.learningRate, [1e-4, 2e-4])
            Axis(\.lora.rank, [8, 16, 64])
        }.cells()
        #expect(cells.count == 6)
        #expect(cells.map(\.label) == [
            "optimizer.learningRate=0.0001 lora.rank=8", "optimizer.learningRate=0.0001 lora.rank=16",
            "optimizer.learningRate=0.0001 lora.rank=64", "optimizer.learningRate=0.0002 lora.rank=8",
            "optimizer.learningRate=0.0002 lora.rank=16", "optimizer.learningRate=0.0002 lora.rank=64",
        ])
        #expect(cells[4].config.optimizer.learningRate == 2e-4 && cells[4].config.lora.rank == 16)
        #expect(cells.allSatisfy { $0.experiment == "test" && $0.config.data.datasets == ["tasks-en"] })
    }

    @Test func noAxesIsOneCell() throws {
        let cells = try small { Fix(\.steps, 7) }.cells()
        #expect(cells.count == 1 && cells[0].axisValues.isEmpty && cells[0].config.steps == 7)
    }

    @Test func zipPairsValues() throws {
        let cells = try small {
            Zip {
                Axis(\.batchSize, [4, 8, 16])
                Axis(\.optimizer.learningRate, [1e-4, 2e-4, 4e-4])
            }
            Seeds(2)
        }.cells()
        #expect(cells.count == 6)
        #expect(cells.map { "\($0.config.batchSize)/\($0.config.optimizer.learningRate)/\($0.config.seed)" }
                == ["4/0.0001/0", "4/0.0001/1", "8/0.0002/0", "8/0.0002/1", "16/0.0004/0", "16/0.0004/1"])
        #expect(cells[0].axisValues.map(\.name) == ["batchSize", "optimizer.learningRate", "seed"])
    }

    @Test func zipOfUnequalLengthsIsAnError() {
        #expect(throws: ExperimentError.zipLengthMismatch(lengths: [2, 3])) {
            try small {
                Zip {
                    Axis(\.batchSize, [4, 8])
                    Axis(\.lora.rank, [8, 16, 32])
                }
            }.cells()
        }
    }

    @Test func unionJoinsSubGrids() throws {
        let cells = try small {
            Union {
                Axis(\.lora.rank, [8, 16])
                Product {
                    Axis(\.lora.rank, [64])
                    Axis(\.lora.dropout, [0.0, 0.05])
                }
            }
            Seeds(2)
        }.cells()
        #expect(cells.count == (2 + 2) * 2)
        #expect(cells.map(\.label).prefix(2) == ["lora.rank=8 seed=0", "lora.rank=8 seed=1"])
        #expect(cells.last?.label == "lora.rank=64 lora.dropout=0.05 seed=1")
        #expect(cells.last?[axis: "lora.dropout"] == "0.05" && cells[0][axis: "lora.dropout"] == nil)
    }

    @Test func tiesDeriveSettingsFromAxes() throws {
        let cells = try small {
            Axis(\.lora.rank, [8, 16, 64])
            Tie(\.lora.alpha, to: \.lora.rank) { r in Double(2 * r) }
            Tie(\.gradientAccumulation) { c in c.lora.rank >= 64 ? 2 : 1 }
        }.cells()
        #expect(cells.map(\.config.lora.alpha) == [16, 32, 128])
        #expect(cells.map(\.config.gradientAccumulation) == [1, 1, 2])
        // A derived value is configuration, not an axis value.
        #expect(cells.allSatisfy { $0.axisValues.count == 1 })
    }

    @Test func skipDropsMatchingCells() throws {
        let experiment = small {
            Axis(\.model.quantization, QuantizationKind.allCases)
            Axis(\.model.doubleQuant, [false, true])
            Skip("double quantization of nothing") { $0.config.model.quantization == .none && $0.config.model.doubleQuant }
        }
        let cells = try experiment.cells()
        #expect(cells.count == 7)
        #expect(!cells.contains { $0.label == "model.quantization=none model.doubleQuant=true" })
        #expect(cells.contains { $0.label == "model.quantization=none model.doubleQuant=false" })
        #expect(experiment.parts.skips.map(\.reason) == ["double quantization of nothing"])
    }

    @Test func keyPathAxesReachNestedSettings() throws {
        let cells = try small {
            Axis(\.data.sourceMaxLength, [32, 64])
            Axis(\.evaluation.heldOutLoss, [HeldOutLoss(maxExamples: 10)])
            Axis(\.lora.targets, over: [LoRASettings.LayerSet.keyQuery, .ffn]) { $0.targets }
            Axis(\.schedule.kind, [ScheduleKind.cosine])
        }.cells()
        #expect(cells.count == 4)
        #expect(cells[1].config.lora.targets == [.gate, .up, .down] && cells[1][axis: "lora.targets"] == "ffn")
        #expect(cells[0][axis: "evaluation.heldOutLoss"] == #"{"maxExamples":10,"minTokens":2000}"#)
        #expect(cells[3].config.data.sourceMaxLength == 64 && cells[3].config.schedule.kind == .cosine)
        #expect(cells[0][axis: "schedule.kind"] == "cosine")
    }

    @Test func fixedSettingsApplyInOrderAndAxesOverridePresets() throws {
        let cells = try small {
            QLoRA.paperDefaults
            Fix(\.optimizer.learningRate, 1e-4)
            Fix(\.lora.dropout, 0.0)
            Axis(\.lora.rank, [8])
        }.cells()
        #expect(cells[0].config.optimizer.learningRate == 1e-4 && cells[0].config.lora.dropout == 0)
        #expect(cells[0].config.lora.rank == 8)
    }

    @Test func contradictionsAreErrors() {
        #expect(throws: ExperimentError.settingIsAlsoAnAxis(setting: "Fix(lora.rank)", axis: "lora.rank")) {
            try small { Fix(\.lora.rank, 8); Axis(\.lora.rank, [16, 32]) }.cells()
        }
        #expect(throws: ExperimentError.settingIsAlsoAnAxis(setting: "Tie(lora.rank)", axis: "lora.rank")) {
            try small { Axis(\.lora.rank, [16, 32]); Tie(\.lora.rank) { _ in 4 } }.cells()
        }
        #expect(throws: ExperimentError.duplicateAxis("lora.rank")) {
            try small { Axis(\.lora.rank, [8]); Axis(\.lora.rank, [16]) }.cells()
        }
        #expect(throws: ExperimentError.emptyAxis("steps")) { try small { Axis(\.steps, [Int]()) }.cells() }
        #expect(throws: ExperimentError.duplicateModel(first: "smollm2-135m", second: "other")) {
            try small { Model("other") }.cells()
        }
        #expect(throws: ExperimentError.invalidName("Bad Name")) { try Experiment("Bad Name") { Model("m") }.cells() }
        #expect(throws: ExperimentError.duplicateCell(first: "lora.rank=8", second: "lora.rank=16")) {
            // A tie that writes the whole LoRA struct puts every cell back at rank 8 behind the axis's back.
            try small { Axis(\.lora.rank, [8, 16]); Tie(\.lora) { _ in LoRASettings(rank: 8) } }.cells()
        }
        #expect(throws: ExperimentError.noCells("test")) { try small { Axis(\.steps, [1, 2]); Skip { _ in true } }.cells() }
        #expect(throws: ExperimentError.modelSizeUnknown(model: "some/dir", preset: "QLoRA.paperDefaults")) {
            try Experiment("x") { Model.path("some/dir"); QLoRA.paperDefaults }.cells()
        }
    }

    @Test func invalidConfigurationsFailAtExpansion() {
        #expect(throws: ExperimentError.invalidConfiguration(cell: "batchSize=6", reason: "batchSize 6 is not a multiple of gradientAccumulation 4")) {
            try small { Fix(\.gradientAccumulation, 4); Axis(\.batchSize, [8, 6]) }.cells()
        }
    }

    @Test func bodiesTakeIfAndFor() throws {
        let quick = true
        let cells = try Experiment("control-flow") {
            Model.path("/models/x", parameters: 1_000_000)
            for language in Dataset.Language.allCases { Dataset.chatterbot(language) }
            if quick { Fix(\.steps, 5) } else { Fix(\.steps, 500) }
            Union {
                for rank in [8, 16] { Axis(\.lora.rank, [rank]) }
            }
            Seeds([7, 9])
        }.cells()
        #expect(cells.count == 4 && cells.allSatisfy { $0.config.steps == 5 })
        #expect(cells[0].config.data.datasets == ["chatterbot-en", "chatterbot-zh"] && cells[0].config.model.name == "/models/x")
        #expect(cells.map(\.config.seed) == [7, 9, 7, 9])
        #expect(cells[1].label == "lora.rank=8 seed=9")
    }

    @Test func proseIsKept() throws {
        let e = small {
            Description("What *this* is.")
            Question("Does it?")
            Hypothesis("Yes.")
            Notes("Cheap.")
            Conclusion("It did.")
        }
        #expect(e.prose.description == "What *this* is." && e.prose.question == "Does it?" && e.prose.hypothesis == "Yes.")
        #expect(e.prose.notes == "Cheap." && e.prose.conclusion == "It did.")
    }

    @Test func evaluateReplacesTheDefaultEvaluation() throws {
        let plain = try small { Fix(\.steps, 1) }.cells()[0].config.evaluation
        #expect(plain == EvaluationSettings() && plain.heldOutLoss != nil && plain.tournament == nil)
        let full = try small {
            Evaluate {
                ExactAnswers(.arithmetic, examples: 50)
                Tournament(judge: .reference, orderings: 100)
            }
        }.cells()[0].config.evaluation
        #expect(full.heldOutLoss == nil)
        #expect(full.exactAnswers == [ExactAnswers("arithmetic", from: "tasks-en", examples: 50, maxNewTokens: 32)])
        #expect(full.tournament?.judge == .reference && full.tournament?.orderings == 100 && full.tournament?.kFactor == 32)
    }
}

struct ReadmeExampleTests {
    /// The README's example, verbatim, so that the documentation cannot drift from the DSL.
    static let rankOnArithmetic = Experiment("rank-on-arithmetic") {
        Question("Does a larger LoRA rank help on the arithmetic task?")
        Model.smolLM2_135M
        Dataset.tasks(.english)
        QLoRA.paperDefaults.scaled(steps: 100, batchSize: 8, sourceLength: 64, targetLength: 32)
        Axis(\.lora.rank, [8, 16, 64])
        Tie(\.lora.alpha, to: \.lora.rank) { r in Double(r) / 4 }
        Seeds(3)
        Evaluate { HeldOutLoss(); ExactAnswers(.arithmetic) }
    }

    @Test func expands() throws {
        let cells = try Self.rankOnArithmetic.cells()
        #expect(cells.count == 9)
        #expect(cells.map(\.config.lora.alpha) == [2, 2, 2, 4, 4, 4, 16, 16, 16])
        #expect(cells.allSatisfy { $0.config.steps == 100 && $0.config.evaluation.exactAnswers.count == 1 })
    }
}
