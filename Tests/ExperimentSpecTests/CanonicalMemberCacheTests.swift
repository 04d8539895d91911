import Foundation
import Testing
@testable import ExperimentSpec
import Experiments

/// The grid's shortcut for canonical texts writes exactly what the full encoder writes, cached or not.
struct CanonicalMemberCacheTests {
    @Test func everyShippedCellsTextIsTheFullEncodersText() throws {
        let cache = CanonicalMemberCache()
        var compared = 0
        for experiment in Experiments.all {
            for cell in try experiment.cells() {
                // Twice: the first fills the cache, the second reads it.
                let full = try CanonicalJSON.string(cell.config)
                #expect(try cache.string(cell.config) == full, "\(experiment.name) \(cell.label)")
                #expect(try cache.string(cell.config) == full, "\(experiment.name) \(cell.label)")
                #expect(try cell.canonicalJSON() == full, "\(experiment.name) \(cell.label)")
                compared += 1
            }
        }
        #expect(compared > 100)
    }

    @Test func settingsThatAreWrittenOnlyWhenChangedAndEscapedTextsStayExact() throws {
        let cache = CanonicalMemberCache()
        var config = TrainingConfig()
        let plain = try cache.string(config)
        #expect(plain == (try CanonicalJSON.string(config)))
        // A member whose own encoding leaves out a default, then includes it; a string that needs escapes.
        config.data.assistantTurns = .last
        config.data.datasets = ["a \"quoted\" name\twith a tab", "中文"]
        let changed = try cache.string(config)
        #expect(changed == (try CanonicalJSON.string(config)))
        #expect(changed != plain && changed.contains("assistantTurns"))
        config.data.assistantTurns = .all
        #expect(try cache.string(config) == (try CanonicalJSON.string(config)))
        #expect(!(try cache.string(config)).contains("assistantTurns"))
    }

    @Test func valuesThatAreNotObjectsAndBadNumbersAreLeftToTheFullEncoder() throws {
        let cache = CanonicalMemberCache()
        #expect(try cache.string([3, 1, 2]) == "[3,1,2]")
        #expect(try cache.string("x") == "\"x\"")
        var config = TrainingConfig()
        config.optimizer.learningRate = .nan
        // The full encoder's error, with the setting's path.
        #expect(throws: CanonicalJSONError.self) { try cache.string(config) }
        do { _ = try cache.string(config) } catch { #expect("\(error)".contains("learningRate"), "\(error)") }
    }
}
