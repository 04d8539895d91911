import Foundation
import Testing
import ExperimentSpec
import Experiments

struct ExperimentsLibraryTests {
    /// The names of the experiments declared in the Swift files of `Experiments/` (outside comments).
    static func declaredNames() throws -> [String] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Experiments")
        let pattern = try Regex(#"Experiment\("([^"]+)"\)"#)
        var names: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                for match in line.matches(of: pattern) { names.append(String(match.output[1].substring!)) }
            }
        }
        return names
    }

    /// A new file in Experiments/ is one step of two: forgetting the line in `Experiments.all` fails here.
    @Test func everyDeclaredExperimentIsRegistered() throws {
        let declared = try Self.declaredNames()
        #expect(declared.contains("smoke") && declared.contains("appendix-b"), "the scan finds the shipped experiments")
        #expect(Set(declared) == Set(Experiments.all.map(\.name)), "declared \(declared.sorted()), registered \(Experiments.all.map(\.name).sorted())")
    }

    @Test func everyExperimentExpandsUnderAUniqueName() throws {
        let names = Experiments.all.map(\.name)
        #expect(Set(names).count == names.count)
        for experiment in Experiments.all {
            let cells = try experiment.cells()
            #expect(!cells.isEmpty, "\(experiment.name)")
            #expect(experiment.prose.description != nil && experiment.prose.question != nil, "\(experiment.name)")
            #expect(Experiments.named(experiment.name)?.name == experiment.name)
        }
        #expect(Experiments.named("no-such-experiment") == nil)
    }

    /// The cluster check cancels a task mid-run and resumes it: it needs checkpoints well before the end,
    /// one BLAS thread (one CPU a task), and cells that differ.
    @Test func clusterCheckIsTwoShortCheckpointedOneThreadCells() throws {
        let cells = try Experiments.clusterCheck.cells()
        #expect(cells.count == 2)
        #expect(Set(cells.map(\.config.optimizer.learningRate)).count == 2)
        for cell in cells {
            #expect(cell.config.threads == 1)
            #expect(cell.config.checkpointEvery > 0 && cell.config.checkpointEvery * 4 <= cell.config.steps)
            #expect(cell.config.steps <= 100)
        }
    }

    /// Metrics that measure something: every experiment that asks exact-answer questions asks at least 100, and
    /// every held-out loss meant as a result rests on at least 2,000 scored tokens.
    @Test func shippedMetricsRestOnEnoughQuestionsAndTokens() throws {
        for experiment in Experiments.all {
            for cell in try experiment.cells() {
                for task in cell.config.evaluation.exactAnswers { #expect(task.examples >= 100, "\(experiment.name): \(task.task.rawValue)") }
                if experiment.name != "cluster-check", let held = cell.config.evaluation.heldOutLoss {
                    #expect(held.minTokens >= 2000 && held.maxExamples == 0, "\(experiment.name)")
                }
            }
        }
    }

    @Test func smokeFitsTenMinutesOnTwoCores() throws {
        let cells = try Experiments.smoke.cells()
        #expect(cells.count == 4)
        #expect(Set(cells.map(\.config.optimizer.learningRate)).count == 2 && Set(cells.map(\.config.lora.rank)).count == 2)
        #expect(cells.allSatisfy { $0.config.model.name == "smollm2-135m" && $0.config.data.datasets == ["tasks-en"] })
        // Trained tokens at most steps × batch × (source + target); at 600 tokens/s, training must leave most of
        // the 10 minutes to loading, evaluation and reporting.
        let tokens = cells.map { $0.config.steps * $0.config.batchSize * ($0.config.data.sourceMaxLength + $0.config.data.targetMaxLength) }
        #expect(Double(tokens.reduce(0, +)) / 600 < 120, "\(tokens)")
    }

    @Test func appendixBIsTheA1Grid() throws {
        let cells = try Experiments.appendixB.cells()
        #expect(cells.count == 3 * 6 * 5 * 2)
        #expect(Set(cells.map(\.config.lora.rank)) == Set(AppendixA1.ranks))
        #expect(Set(cells.map(\.config.lora.dropout)) == Set(AppendixA1.dropouts))
        #expect(Set(cells.map(\.config.lora.targets)).count == 5)
        #expect(cells.allSatisfy { $0.config.lora.alpha == 16 && $0.config.optimizer.maxGradNorm == 0.3 })
    }

    @Test func quantizationTypesSkipsUnquantizedWithDoubleQuant() throws {
        let cells = try Experiments.quantizationTypes.cells()
        #expect(cells.count == 7 * 3)
        #expect(!cells.contains { $0.config.model.quantization == .none && $0.config.model.doubleQuant })
        for kind in [QuantizationKind.nf4, .fp4, .int4] {
            #expect(cells.filter { $0.config.model.quantization == kind }.count == 6)
        }
        // Table 2's measurement: zero-shot perplexity on the five fortune files, 8,192 tokens in windows of 256.
        for cell in cells {
            let p = cell.config.evaluation.perplexity
            #expect(p == [Perplexity(text: ["literature", "wisdom", "science", "people", "work"].map { "/usr/share/games/fortunes/" + $0 },
                                     name: "fortunes", window: 256, maxTokens: 8192, at: [.base])])
            #expect(cell.inputs.contains("/usr/share/games/fortunes/work"))
            #expect(cell.config.evaluation.heldOutLoss?.minTokens == 2000)
        }
    }

    /// Length grouping sorts each mega-batch of 50 × the batch size longest first: a run shorter than a few of
    /// them trains from the longest examples to the shortest, so shipped grids that short shuffle instead.
    @Test func noShippedGridShorterThanThreeMegaBatchesGroupsByLength() throws {
        for experiment in Experiments.all {
            for cell in try experiment.cells() where cell.config.data.groupByLength && !cell.config.data.datasets.isEmpty {
                #expect(cell.config.steps >= 3 * 50, "\(experiment.name): \(cell.config.steps) steps, length-grouped")
            }
        }
    }

    @Test func learningRateIsTable9PlusOneTimesSchedulesAndThreeSeeds() throws {
        let cells = try Experiments.learningRate.cells()
        #expect(cells.count == 12)
        #expect(Set(cells.map(\.config.optimizer.learningRate)) == Set(Table9.learningRates + [5e-4]))
        #expect(Set(cells.map(\.config.seed)) == [0, 1, 2])
        #expect(!cells.contains { $0.config.optimizer.learningRate != 2e-4 && $0.config.schedule.kind == .cosine })
        #expect(cells.allSatisfy { $0.config.lora.rank == 64 && !$0.config.data.groupByLength })
    }

    @Test func idsAreDistinctWithinEachExperimentAndSharedOnlyByEqualConfigurations() throws {
        let hashes = ["smollm2-135m": "00", "tasks-en": "11", "chatterbot-en": "22", "chitchat": "33"]
        var configs: [String: String] = [:]
        for experiment in Experiments.all {
            let cells = try experiment.cells()
            let ids = try cells.map { try $0.identity(inputHashes: hashes).id }
            #expect(Set(ids).count == ids.count, "\(experiment.name)")
            for (cell, id) in zip(cells, ids) {
                let json = try cell.canonicalJSON()
                if let seen = configs[id] { #expect(seen == json, "\(id) of \(experiment.name)") }
                configs[id] = json
            }
        }
    }

    /// The research grids' Notes say which cells they share; a spec that drifts from the other would train twice.
    @Test func researchGridsShareTheCellsTheirNotesSay() throws {
        let hashes = ["smollm2-135m": "00", "chatterbot-en": "22"]
        func ids(_ e: Experiment) throws -> Set<String> { Set(try e.cells().map { try $0.identity(inputHashes: hashes).id }) }
        let quantization = try ids(Experiments.quantizationTypes), layers = try ids(Experiments.loraLayers)
        let rates = try ids(Experiments.learningRate), bases = try ids(Experiments.qloraVersusLoRA)
        #expect(bases.isSubset(of: quantization) && bases.count == 6)
        #expect(rates.intersection(quantization).count == 3)
        #expect(rates.intersection(layers).count == 3)
        #expect(layers.count == 12 && quantization.count == 21)
        let turns = try Experiments.multiTurn.cells()
        #expect(turns.map(\.config.data.assistantTurns) == [.all, .all, .all, .last, .last, .last])
        #expect(turns.allSatisfy { $0.config.evaluation.heldOutLoss?.turns == .all })
    }
}
