import Foundation
import Testing
@testable import ExperimentSpec

/// The held-out split has one seed for every cell; the training order follows the cell's seed unless set.
struct DataSeedTests {
    @Test func theOrderFollowsTheCellSeedUnlessSet() {
        var config = TrainingConfig()
        config.seed = 3
        #expect(config.data.orderSeed == nil && config.data.splitSeed == 42)
        #expect(config.data.orderSeed(trainingSeed: config.seed) == 3)
        config.data.orderSeed = 42
        #expect(config.data.orderSeed(trainingSeed: config.seed) == 42)
    }

    @Test func seedsGiveEachCellItsOwnOrderAndOneSplit() throws {
        let cells = try Experiment("seeds") {
            Model.smolLM2_135M
            Dataset.tasks(.english)
            Seeds(3)
        }.cells()
        let orders = cells.map { $0.config.data.orderSeed(trainingSeed: $0.config.seed) }
        #expect(orders == [0, 1, 2])
        #expect(Set(cells.map(\.config.data.splitSeed)) == [42])
        let fixed = try Experiment("seeds") {
            Model.smolLM2_135M
            Dataset.tasks(.english)
            Fix(\.data.orderSeed, 42)
            Seeds(3)
        }.cells()
        #expect(fixed.map { $0.config.data.orderSeed(trainingSeed: $0.config.seed) } == [42, 42, 42])
    }

    /// A configuration stored with the one `seed` of earlier versions meant that seed for the split and the
    /// order; it reads back so, and writes as a different configuration from today's default (a new id).
    @Test func anOldConfigurationKeepsItsMeaningAndTodaysHasANewId() throws {
        let current = try CanonicalJSON.write(JSONTreeEncoder().encode(TrainingConfig()))
        #expect(current.contains(#""splitSeed":42"#) && !current.contains("orderSeed"))
        #expect(!current.contains(#""data":{"datasets":[],"evalSize":0.1,"format":"auto","groupByLength":true,"seed""#))
        let old = current.replacingOccurrences(of: #""splitSeed":42"#, with: #""seed":42"#)
        let decoded = try JSONDecoder().decode(TrainingConfig.self, from: Data(old.utf8))
        #expect(decoded.data.splitSeed == 42 && decoded.data.orderSeed == 42)
        #expect(decoded.data.orderSeed(trainingSeed: 7) == 42)
        let rewritten = try CanonicalJSON.write(JSONTreeEncoder().encode(decoded))
        #expect(rewritten.contains(#""orderSeed":42"#) && !rewritten.contains(#""seed":42,"s"#))
        let ids = try [current, rewritten].map { try CellIdentity(canonicalConfig: $0, inputs: [], inputHashes: [:]).id }
        #expect(ids[0] != ids[1])
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: Data(rewritten.utf8)) == decoded)
    }

    @Test func bothSeedsCanBeSetAndVariedFromTheCommandLine() throws {
        let experiment = Experiment("order") {
            Model.smolLM2_135M
            Dataset.tasks(.english)
        }
        let plain = try experiment.cells()
        let set = try experiment.cells(overrides: Overrides(fixed: ["data.orderSeed=7", "data.splitSeed=5"]))
        #expect(set[0].config.data.orderSeed == 7 && set[0].config.data.splitSeed == 5)
        #expect(try set[0].canonicalJSON() != plain[0].canonicalJSON())
        let varied = try experiment.cells(overrides: Overrides(axes: ["data.orderSeed=1,2"]))
        #expect(varied.map(\.config.data.orderSeed) == [1, 2])
        #expect(throws: OverrideError.self) { try experiment.cells(overrides: Overrides(fixed: ["data.orderSeed=-1"])) }
        #expect(throws: OverrideError.self) { try experiment.cells(overrides: Overrides(fixed: ["data.seed=1"])) }
    }
}
