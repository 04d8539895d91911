import Foundation
import Testing
@testable import Models

struct SamplerTests {
    func draw(_ logits: [Float], _ options: SamplingOptions, context: [Int] = [], count: Int = 1) -> [Int] {
        var sampler = Sampler(options)
        return (0..<count).map { _ in logits.withUnsafeBufferPointer { sampler.next(logits: $0, context: context) } }
    }

    @Test func greedyTakesTheLargestLogit() {
        #expect(draw([0.1, 3, -2, 2.9], .greedy) == [1])
        #expect(draw([0.1, 3, -2, 2.9], SamplingOptions(temperature: 5, topK: 1)) == [1])
        #expect(draw([0.1, 3, -2, 2.9], SamplingOptions(temperature: 1, topP: 0.01), count: 20) == Array(repeating: 1, count: 20))
    }

    @Test func samplingFollowsTheSoftmaxAndIsSeeded() {
        let logits: [Float] = [log(0.5), log(0.3), log(0.2)]
        let options = SamplingOptions(temperature: 1, seed: 11)
        let draws = draw(logits, options, count: 20_000)
        #expect(draws == draw(logits, options, count: 20_000))
        #expect(draws != draw(logits, SamplingOptions(temperature: 1, seed: 12), count: 20_000))
        let share = (0..<3).map { t in Double(draws.filter { $0 == t }.count) / 20_000 }
        // Binomial standard deviation at n = 20,000 is ≤ 0.0036; allow 5 of them.
        for (got, want) in zip(share, [0.5, 0.3, 0.2]) { #expect(abs(got - want) < 0.018, "\(share)") }
        // Top-p 0.75 keeps {0.5, 0.3} and renormalizes to 5/8, 3/8.
        let nucleus = draw(logits, SamplingOptions(temperature: 1, topP: 0.75, seed: 3), count: 20_000)
        #expect(!nucleus.contains(2))
        let nucleusShare = Double(nucleus.filter { $0 == 0 }.count) / 20_000
        #expect(abs(nucleusShare - 0.625) < 0.018)
        // Temperature 0.5 squares the odds: 25 : 9 : 4.
        let cold = draw(logits, SamplingOptions(temperature: 0.5, seed: 5), count: 20_000)
        let coldShare = Double(cold.filter { $0 == 0 }.count) / 20_000
        #expect(abs(coldShare - 25.0 / 38) < 0.018)
    }

    @Test func repetitionPenaltyDiscouragesSeenTokens() {
        #expect(draw([2, 1.9, 0], SamplingOptions(repetitionPenalty: 1.2), context: [0]) == [1])
        #expect(draw([2, 1.9, 0], SamplingOptions(repetitionPenalty: 1.2), context: [2]) == [0])
        #expect(draw([-1, -1.1, -5], SamplingOptions(repetitionPenalty: 1.3), context: [0]) == [1])
    }
}
