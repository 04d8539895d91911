import Testing
@testable import ExperimentSpec

struct CellIdentityTests {
    private let experiment = Experiment("ids") {
        Model.smolLM2_135M
        QLoRA.paperDefaults.scaled(steps: 10, batchSize: 2)
        Union {
            Product {
                Axis(\.data.datasets, [["tasks-en"]], name: "data")
                Axis(\.lora.rank, [8, 16])
            }
            Product {
                Axis(\.data.datasets, [["chatterbot-en"], ["chatterbot-en", "tasks-en"]], name: "data")
                Axis(\.lora.rank, [8])
            }
        }
    }

    private let hashes = [
        "smollm2-135m": SHA256.hexDigest("model bytes".utf8),
        "tasks-en": SHA256.hexDigest("arithmetic bytes".utf8),
        "chatterbot-en": SHA256.hexDigest("chatterbot bytes".utf8),
    ]

    private func ids(_ hashes: [String: String]) throws -> [String] {
        try experiment.cells().map { try $0.identity(inputHashes: hashes).id }
    }

    @Test func sameSpecSameIds() throws {
        let first = try ids(hashes), second = try ids(hashes)
        #expect(first == second)
        #expect(first.allSatisfy { $0.count == 12 && $0.allSatisfy(\.isHexDigit) })
        #expect(Set(first).count == first.count)
        // Two independent expansions give equal cells, not only equal ids.
        #expect(try experiment.cells() == experiment.cells())
    }

    @Test func changingADataHashChangesExactlyTheCellsThatReadIt() throws {
        let before = try ids(hashes)
        var changed = hashes
        changed["chatterbot-en"] = SHA256.hexDigest("chatterbot bytes, edited".utf8)
        let after = try ids(changed)
        let cells = try experiment.cells()
        for (i, cell) in cells.enumerated() {
            let reads = cell.inputs.contains("chatterbot-en")
            #expect((before[i] != after[i]) == reads, "\(cell.label)")
        }
        #expect(cells.filter { $0.inputs.contains("chatterbot-en") }.count == 2)
    }

    @Test func changingTheModelHashChangesEveryCell() throws {
        var changed = hashes
        changed["smollm2-135m"] = SHA256.hexDigest("other weights".utf8)
        #expect(zip(try ids(hashes), try ids(changed)).allSatisfy { $0 != $1 })
    }

    @Test func unrelatedHashesAndOrderDoNotMatter() throws {
        var extra = hashes
        extra["somewhere/else.jsonl"] = SHA256.hexDigest("x".utf8)
        #expect(try ids(extra) == ids(hashes))
        let a = CellIdentity(canonicalConfig: "{}", inputs: ["b", "a", "a"], inputHashes: ["a": "1", "b": "2"])
        let b = CellIdentity(canonicalConfig: "{}", inputs: ["a", "b"], inputHashes: ["a": "1", "b": "2"])
        #expect(a == b && a.unhashedInputs.isEmpty)
    }

    @Test func missingHashesAreReportedAndStillDistinguishInputs() throws {
        let cell = try experiment.cells()[0]
        let id = try cell.identity(inputHashes: [:])
        #expect(id.unhashedInputs == ["smollm2-135m", "tasks-en"])
        #expect(id != (try cell.identity(inputHashes: hashes)))
    }

    @Test func evaluationDataCountsAsAnInput() throws {
        let cells = try Experiment("eval-data") {
            Model.smolLM2_135M
            Dataset.chatterbot(.english)
            Axis(\.lora.rank, [8])
            Evaluate { HeldOutLoss(); ExactAnswers(.arithmetic, from: "tasks-zh") }
        }.cells()
        #expect(cells[0].inputs == ["smollm2-135m", "chatterbot-en", "tasks-zh"])
        let before = try cells[0].identity(inputHashes: ["tasks-zh": "aa"])
        #expect(try cells[0].identity(inputHashes: ["tasks-zh": "bb"]) != before)
    }

    @Test func configurationChangesChangeTheId() throws {
        let cell = try experiment.cells()[0]
        var config = cell.config
        config.optimizer.learningRate = 1e-4
        let other = Cell(experiment: "ids", config: config, axisValues: cell.axisValues)
        #expect(try cell.identity(inputHashes: hashes) != other.identity(inputHashes: hashes))
        // The experiment's name is not part of the identity: same computation, same id.
        let renamed = Cell(experiment: "elsewhere", config: cell.config, axisValues: [])
        #expect(try cell.identity(inputHashes: hashes) == renamed.identity(inputHashes: hashes))
    }

    @Test func idIsTheDigestOfTheDocumentedLayout() throws {
        let cell = try experiment.cells()[0]
        let json = try cell.canonicalJSON()
        let text = "qlab-cell-v1\n\(json)\ninput \"smollm2-135m\" sha256:\(hashes["smollm2-135m"]!)\n"
            + "input \"tasks-en\" sha256:\(hashes["tasks-en"]!)\n"
        #expect(try cell.identity(inputHashes: hashes).digest == SHA256.hexDigest(text.utf8))
    }
}
