import Foundation
import Testing
@testable import ExperimentSpec

/// A benchmark's scoring is written into a cell's configuration only when it is not MMLU's letter scoring, so
/// cells declared before cloze scoring existed keep their canonical JSON (and ids).
struct BenchmarkScoringSpecTests {
    @Test func letterScoringIsNotWrittenAndClozeIs() throws {
        let letter = try CanonicalJSON.string(Benchmark("wordnet-en", limit: 40))
        #expect(letter == #"{"at":["base","trained"],"limit":40,"name":"wordnet_en","path":"wordnet-en","shots":5}"#)
        let cloze = try CanonicalJSON.string(Benchmark("wordnet-en", limit: 40, scoring: .cloze))
        #expect(cloze == #"{"at":["base","trained"],"limit":40,"name":"wordnet_en","path":"wordnet-en","scoring":"cloze","shots":5}"#)
    }

    @Test func bothFormsDecodeAndAnUnknownScoringIsRefused() throws {
        let old = try JSONDecoder().decode(Benchmark.self, from: Data(#"{"at":["base"],"limit":0,"name":"x","path":"x.csv","shots":0}"#.utf8))
        #expect(old.scoring == .letter && old.at == [.base])
        let cloze = try JSONDecoder().decode(Benchmark.self, from: Data(#"{"at":["trained"],"limit":3,"name":"x","path":"x.csv","shots":1,"scoring":"cloze"}"#.utf8))
        #expect(cloze == Benchmark("x.csv", name: "x", shots: 1, limit: 3, at: [.trained], scoring: .cloze))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Benchmark.self, from: Data(#"{"at":[],"limit":0,"name":"x","path":"x","shots":0,"scoring":"logits"}"#.utf8))
        }
    }
}
