import Foundation
import Support
import Testing

/// `steps.jsonl` has one line type, written by the trainer and read by the store.
struct StepLineTests {
    /// A line as the trainer wrote it before the trainer and the store shared this type (from a research cell).
    static let written = #"{"eval_loss":2.0922,"grad_norm":0.5025215398668151,"loss":4.056489931046963,"lr":0.0002,"rss_mib":2512.421875,"seconds":3.5383527278900146,"step":1,"tokens":411,"tokens_per_second":116.15574579674167}"#

    @Test func aTrainerLineReadsBackAndWritesTheSameBytes() throws {
        let line = try JSONDecoder().decode(StepLine.self, from: Data(Self.written.utf8))
        #expect(line.step == 1 && line.tokens == 411 && line.loss == 4.056489931046963 && line.gradNorm == 0.5025215398668151)
        #expect(line.tokensPerSecond == 116.15574579674167, "the recorded rate, not tokens / seconds (116.1557…)")
        #expect(line.residentMiB == 2512.421875 && line.evalLoss == 2.0922)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(String(decoding: try encoder.encode(line), as: UTF8.self) == Self.written)
    }

    @Test func knownExtrasAreSetAndClearedByName() throws {
        var line = StepLine(step: 3, loss: 1, gradNorm: 0.2, lr: 1e-4, tokens: 100, seconds: 4)
        #expect(line.evalLoss == nil && line.residentMiB == nil)
        #expect(line.tokensPerSecond == 25, "computed when not recorded")
        line.evalLoss = 1.5
        #expect(line.extra == ["eval_loss": 1.5])
        line.evalLoss = nil
        #expect(line.extra.isEmpty)
        // A fixed key cannot be shadowed by an extra of the same name when written.
        line.extra["loss"] = 9
        let text = String(decoding: try JSONEncoder().encode(line), as: UTF8.self)
        #expect(try JSONDecoder().decode(StepLine.self, from: Data(text.utf8)).loss == 1)
    }
}
