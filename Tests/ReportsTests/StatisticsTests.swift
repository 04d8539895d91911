import Foundation
import Testing
@testable import Reports

@Suite struct StatisticsTests {
    @Test func studentTailMatchesClosedForms() {
        // ν = 1 (Cauchy): P(|T| ≥ t) = 1 − (2/π) atan t; ν = 2: 1 − t / √(2 + t²).
        for t in [0.5, 1.0, 2.0, 3.4641016151377544, 10.0] {
            #expect(abs(StudentT.twoSidedTail(t, degreesOfFreedom: 1) - (1 - 2 / Double.pi * atan(t))) < 1e-12)
            #expect(abs(StudentT.twoSidedTail(t, degreesOfFreedom: 2) - (1 - t / (2 + t * t).squareRoot())) < 1e-12)
        }
    }

    @Test func quantilesOfTheNinetyFivePercentInterval() {
        // ν = 2: t = √(2 / (1 − 0.95²) − 2)·… has the closed form t = 2·0.95/√(2·(1 − 0.95²)) = 4.302652729911275.
        #expect(abs(StudentT.quantile(twoSidedTail: 0.05, degreesOfFreedom: 2) - 4.302652729911275) < 1e-9)
        #expect(abs(StudentT.quantile(twoSidedTail: 0.05, degreesOfFreedom: 1) - tan(Double.pi * 0.475)) < 1e-8)
        #expect(abs(StudentT.quantile(twoSidedTail: 0.05, degreesOfFreedom: 1e6) - 1.959963984540054) < 1e-5)
    }

    @Test func intervalOverThreeSeeds() {
        let s = SampleSummary([1, 2, 3, .nan])
        #expect(s.values == [1, 2, 3])
        #expect(s.mean == 2)
        // Sample standard deviation 1, so the half-width is t(0.975, 2) / √3.
        #expect(abs(s.halfWidth! - 4.302652729911275 / 3.0.squareRoot()) < 1e-9)
        #expect(SampleSummary([5]).halfWidth == nil)
    }

    @Test func pairedTestPairsBySeed() {
        // Differences 1, 2, 3 on seeds a, b, c (d is missing from the reference and left out): t = 2 / (1/√3).
        let test = PairedTest(candidate: ["a": 11, "b": 22, "c": 33, "d": 100], reference: ["a": 10, "b": 20, "c": 30])
        #expect(test.pairs == 3)
        #expect(test.meanDifference == 2)
        let t = 2 * 3.0.squareRoot()
        #expect(abs(test.pValue! - (1 - t / (2 + t * t).squareRoot())) < 1e-12)
        #expect(!test.isSignificant())
        #expect(PairedTest(candidate: ["a": 1], reference: ["a": 0]).pValue == nil)
        #expect(PairedTest(candidate: ["a": 2, "b": 3], reference: ["a": 1, "b": 2]).pValue == 0)
    }

    @Test func directionsFromNames() {
        #expect(MetricDirection(metric: "eval_loss") == .lowerIsBetter)
        #expect(MetricDirection(metric: "peak_rss_mib") == .lowerIsBetter)
        #expect(MetricDirection(metric: "exact_arithmetic") == .higherIsBetter)
        #expect(MetricDirection(metric: "tokens_per_second") == .higherIsBetter)
        #expect(MetricDirection(metric: "trainable_parameters") == nil)
    }
}
