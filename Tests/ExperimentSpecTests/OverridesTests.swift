import Foundation
import Testing
@testable import ExperimentSpec

/// `--set` and `--axis` from the command line: checked like the spec's settings, part of every cell's configuration.
struct OverridesTests {
    private func small(@ExperimentBuilder _ body: () -> [any ExperimentComponent]) -> Experiment {
        Experiment("test") {
            Model.smolLM2_135M
            Dataset.tasks(.english)
            body()
        }
    }

    private var grid: Experiment {
        small {
            Fix(\.optimizer.learningRate, 1e-4)
            Axis(\.lora.rank, [8, 16])
            Tie(\.lora.alpha, to: \.lora.rank) { r in Double(2 * r) }
        }
    }

    @Test func textThatIsNotKeyEqualsValueIsRejected() {
        #expect(throws: OverrideError.syntax(option: "--set", text: "lora.rank")) { try Overrides(fixed: ["lora.rank"]) }
        #expect(throws: OverrideError.syntax(option: "--axis", text: "=4,8")) { try Overrides(axes: ["=4,8"]) }
        #expect(throws: OverrideError.emptyValue(option: "--set", text: "lora.rank=", key: "lora.rank")) { try Overrides(fixed: ["lora.rank="]) }
        #expect(throws: OverrideError.emptyValue(option: "--axis", text: "lora.dropout=0,,0.1", key: "lora.dropout")) {
            try Overrides(axes: ["lora.dropout=0,,0.1"])
        }
    }

    @Test func anUnknownKeyListsTheValidOnes() throws {
        let error = #expect(throws: OverrideError.self) { try grid.cells(overrides: Overrides(fixed: ["optimizer.lr=1e-3"])) }
        guard case .unknownKey(let key, let valid)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(key == "optimizer.lr")
        for expected in ["optimizer.learningRate", "lora.rank", "model.quantization", "lora.targets", "seed", "data.datasets"] {
            #expect(valid.contains(expected), "\(expected)")
        }
        // Lists of evaluations have no one-line spelling, and an object is not a setting of its own.
        #expect(!valid.contains { $0.hasPrefix("evaluation.perplexity") } && !valid.contains("lora"))
        #expect(valid == valid.sorted())
        #expect(error!.description.contains("optimizer.learningRate"))
    }

    @Test func aValueOfTheWrongTypeNamesTheKeyAndTheType() throws {
        #expect(throws: OverrideError.wrongType(key: "steps", value: "big", expected: "an integer")) {
            try grid.cells(overrides: Overrides(axes: ["steps=10,big"]))
        }
        #expect(throws: OverrideError.wrongType(key: "steps", value: "1.5", expected: "an integer")) {
            try grid.cells(overrides: Overrides(fixed: ["steps=1.5"]))
        }
        #expect(throws: OverrideError.wrongType(key: "optimizer.beta2", value: "high", expected: "a number")) {
            try grid.cells(overrides: Overrides(fixed: ["optimizer.beta2=high"]))
        }
        #expect(throws: OverrideError.wrongType(key: "fullFineTune", value: "yes", expected: "true or false")) {
            try grid.cells(overrides: Overrides(fixed: ["fullFineTune=yes"]))
        }
        // Enumerations are checked by decoding: the message lists the words the setting takes.
        let error = #expect(throws: OverrideError.self) { try grid.cells(overrides: Overrides(fixed: ["model.quantization=nf5"])) }
        guard case .wrongType(let key, let value, let expected)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(key == "model.quantization" && value == "nf5" && expected.contains("one of nf4, fp4, int4, none"), "\(expected)")
    }

    @Test func keysTheSpecVariesOrDerivesAreRefused() throws {
        #expect(throws: OverrideError.declaredInSpec(key: "lora.rank", by: "axis lora.rank")) {
            try grid.cells(overrides: Overrides(fixed: ["lora.rank=4"]))
        }
        #expect(throws: OverrideError.declaredInSpec(key: "lora.alpha", by: "Tie(lora.alpha)")) {
            try grid.cells(overrides: Overrides(axes: ["lora.alpha=8,32"]))
        }
        #expect(throws: OverrideError.repeatedKey("steps")) { try grid.cells(overrides: Overrides(fixed: ["steps=5"], axes: ["steps=6,7"])) }
    }

    @Test func anAxisOnADeclaredAxisReplacesItsValuesInItsPlace() throws {
        let spec = small {
            Axis(\.lora.rank, [8, 16], name: "rank")
            Axis(\.optimizer.learningRate, [1e-4, 2e-4])
            Tie(\.lora.alpha, to: \.lora.rank) { r in Double(2 * r) }
        }
        let plain = try spec.cells()
        let cells = try spec.cells(overrides: Overrides(axes: ["lora.rank=4,8,32"]))
        #expect(cells.count == 6)
        #expect(cells.map(\.config.lora.rank).sorted() == [4, 4, 8, 8, 32, 32])
        // The axis keeps its declared name and place; the tie sees the new values.
        #expect(cells.allSatisfy { $0.axisValues.map(\.name) == ["rank", "optimizer.learningRate"] })
        #expect(cells.allSatisfy { $0.config.lora.alpha == Double(2 * $0.config.lora.rank) })
        #expect(try spec.axisNames(overrides: Overrides(axes: ["lora.rank=4,8,32"])) == ["rank", "optimizer.learningRate"])
        // A value the spec declared is the same cell as before (same id, same label), so a done cell is not rerun.
        let before = Dictionary(uniqueKeysWithValues: try plain.map { (try $0.identity(inputHashes: [:]).id, $0.label) })
        let kept = try cells.filter { before[try $0.identity(inputHashes: [:]).id] != nil }
        #expect(kept.count == 2 && kept.allSatisfy { $0.config.lora.rank == 8 })
        #expect(try kept.allSatisfy { before[try $0.identity(inputHashes: [:]).id] == $0.label })
        // A --set on the axis still cannot apply.
        #expect(throws: OverrideError.declaredInSpec(key: "lora.rank", by: "axis rank")) {
            try spec.cells(overrides: Overrides(fixed: ["lora.rank=4"]))
        }
    }

    @Test func anAxisVariedTogetherWithAnotherCannotBeReplaced() throws {
        let spec = small {
            Zip {
                Axis(\.lora.rank, [8, 16])
                Axis(\.lora.dropout, [0.0, 0.1])
            }
        }
        let error = #expect(throws: OverrideError.self) { try spec.cells(overrides: Overrides(axes: ["lora.rank=4,32"])) }
        guard case .declaredInSpec(let key, let by)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(key == "lora.rank" && by.contains("together"))
    }

    @Test func shortKeysAsChartsShowThemNameTheOneSettingTheyEnd() throws {
        // `learningRate` is optimizer.learningRate, `dropout` lora.dropout: the names charts and tables use.
        let cells = try grid.cells(overrides: Overrides(fixed: ["learningRate=3e-4"], axes: ["dropout=0,0.1"]))
        #expect(cells.count == 4 && cells.allSatisfy { $0.config.optimizer.learningRate == 3e-4 })
        #expect(cells.map(\.config.lora.dropout) == [0, 0.1, 0, 0.1])
        #expect(cells[0].axisValues.map(\.name) == ["lora.rank", "lora.dropout"])
        #expect(try grid.axisNames(overrides: Overrides(axes: ["dropout=0,0.1"])) == ["lora.rank", "lora.dropout"])
        // The same cells as the full names give.
        let full = try grid.cells(overrides: Overrides(fixed: ["optimizer.learningRate=3e-4"], axes: ["lora.dropout=0,0.1"]))
        #expect(try cells.map { try $0.identity(inputHashes: [:]).id } == full.map { try $0.identity(inputHashes: [:]).id })
        // A short name of a setting the spec varies is still that setting, and still refused as a --set.
        #expect(throws: OverrideError.declaredInSpec(key: "lora.rank", by: "axis lora.rank")) {
            try grid.cells(overrides: Overrides(fixed: ["rank=4"]))
        }
        // A last part that several settings share names none of them.
        let settings = try ResolvedOverrides.settings(of: TrainingConfig()).keys
        let shared = Dictionary(grouping: settings.filter { $0.contains(".") }) { String($0.split(separator: ".").last!) }
            .first { $0.value.count > 1 && !settings.contains($0.key) }
        if let (part, owners) = shared {
            let error = #expect(throws: OverrideError.self) { try grid.cells(overrides: Overrides(fixed: ["\(part)=1"])) }
            guard case .unknownKey(let key, _)? = error else { Issue.record("\(part) of \(owners): \(String(describing: error))"); return }
            #expect(key == part)
        }
    }

    @Test func overridesChangeTheConfigurationsAndSoTheIds() throws {
        let plain = try grid.cells()
        let fixed = try grid.cells(overrides: Overrides(fixed: ["optimizer.learningRate=3e-4", "model.quantization=fp4",
                                                               "lora.targets=[q_proj,v_proj]"]))
        #expect(fixed.count == plain.count)
        for (p, f) in zip(plain, fixed) {
            // A --set wins over the spec's fixed setting; the axis and the tie still apply.
            #expect(f.config.optimizer.learningRate == 3e-4 && p.config.optimizer.learningRate == 1e-4)
            #expect(f.config.model.quantization == .fp4 && f.config.lora.targets == [.q, .v])
            #expect(f.config.lora.rank == p.config.lora.rank && f.config.lora.alpha == Double(2 * f.config.lora.rank))
            #expect(f.axisValues == p.axisValues)
            #expect(try f.identity(inputHashes: [:]).id != p.identity(inputHashes: [:]).id)
        }
    }

    @Test func anOverrideAxisVariesFastestAndTiesSeeIt() throws {
        let cells = try grid.cells(overrides: Overrides(axes: ["lora.dropout=0,0.05", "lora.targets=[q_proj],[q_proj,k_proj]"]))
        #expect(try grid.axisNames(overrides: Overrides(axes: ["lora.dropout=0,0.05"])) == ["lora.rank", "lora.dropout"])
        #expect(cells.count == 8)
        #expect(cells.prefix(4).map(\.label) == [
            "lora.rank=8 lora.dropout=0 lora.targets=[\"q_proj\"]",
            "lora.rank=8 lora.dropout=0 lora.targets=[\"q_proj\",\"k_proj\"]",
            "lora.rank=8 lora.dropout=0.05 lora.targets=[\"q_proj\"]",
            "lora.rank=8 lora.dropout=0.05 lora.targets=[\"q_proj\",\"k_proj\"]",
        ])
        #expect(cells[3].config.lora.dropout == 0.05 && cells[3].config.lora.targets == [.q, .k])
        #expect(Set(try cells.map { try $0.identity(inputHashes: [:]).id }).count == 8)
        // A repeated axis value would run the same cell twice.
        #expect(throws: ExperimentError.self) { try grid.cells(overrides: Overrides(axes: ["lora.dropout=0,0"])) }
    }

    @Test func recordedOverridesDecodeAndAreCheckedAgain() throws {
        let overrides = try Overrides(fixed: ["steps=5"], axes: ["lora.dropout=0,0.05"])
        #expect(overrides.arguments == "--set steps=5 --axis lora.dropout=0,0.05")
        let decoded = try JSONDecoder().decode(Overrides.self, from: JSONEncoder().encode(overrides))
        #expect(decoded == overrides)
        #expect(throws: OverrideError.syntax(option: "--set", text: "steps")) {
            try JSONDecoder().decode(Overrides.self, from: Data(#"{"fixed": ["steps"], "axes": []}"#.utf8))
        }
    }
}

/// `data.assistantTurns`, a setting added after cells were first stored: written only when changed, settable.
struct AssistantTurnsSettingTests {
    private func dataKeys(_ config: TrainingConfig) throws -> [String] {
        guard case .object(let root) = try JSONTreeEncoder().encode(config), case .object(let data)? = root["data"] else {
            Issue.record("no data object")
            return []
        }
        return data.keys.sorted()
    }

    @Test func theDefaultIsNotWrittenSoOlderCellsKeepTheirIds() throws {
        var config = TrainingConfig()
        #expect(try !dataKeys(config).contains("assistantTurns"))
        #expect(try dataKeys(config).count == 9)
        let before = try CellIdentity(canonicalConfig: CanonicalJSON.write(JSONTreeEncoder().encode(config)), inputs: [], inputHashes: [:])
        config.data.assistantTurns = .last
        #expect(try dataKeys(config).contains("assistantTurns"))
        let after = try CellIdentity(canonicalConfig: CanonicalJSON.write(JSONTreeEncoder().encode(config)), inputs: [], inputHashes: [:])
        #expect(before.id != after.id)
        // Both read back; a configuration stored without the key means every turn.
        let json = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: json).data.assistantTurns == .last)
        let old = try JSONEncoder().encode(TrainingConfig())
        #expect(!String(decoding: old, as: UTF8.self).contains("assistantTurns"))
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: old).data.assistantTurns == .all)
    }

    @Test func itCanBeSetAndVariedFromTheCommandLine() throws {
        let experiment = Experiment("turns") {
            Model.smolLM2_135M
            Dataset("chitchat")
        }
        let set = try experiment.cells(overrides: Overrides(fixed: ["data.assistantTurns=last"]))
        #expect(set.map(\.config.data.assistantTurns) == [.last])
        let varied = try experiment.cells(overrides: Overrides(axes: ["data.assistantTurns=all,last"]))
        #expect(varied.map(\.config.data.assistantTurns) == [.all, .last])
        // The rest of the configuration is untouched by the added key.
        #expect(varied[0].config == set[0].config.with { $0.data.assistantTurns = .all })
        #expect(throws: OverrideError.self) { try experiment.cells(overrides: Overrides(fixed: ["data.assistantTurns=first"])) }
    }

    @Test func heldOutTurnsAreWrittenOnlyWhenSet() throws {
        let plain = try CanonicalJSON.write(JSONTreeEncoder().encode(HeldOutLoss()))
        #expect(!plain.contains("turns"))
        let fixed = try CanonicalJSON.write(JSONTreeEncoder().encode(HeldOutLoss(turns: .all)))
        #expect(fixed.contains("\"turns\":\"all\""))
        #expect(try JSONDecoder().decode(HeldOutLoss.self, from: Data(fixed.utf8)).turns == .all)
        #expect(try JSONDecoder().decode(HeldOutLoss.self, from: Data(plain.utf8)).turns == nil)
    }
}

private extension TrainingConfig {
    func with(_ change: (inout TrainingConfig) -> Void) -> TrainingConfig {
        var copy = self
        change(&copy)
        return copy
    }
}
