import ExperimentSpec
import Testing
@testable import Training

struct LearningRateScheduleTests {
    @Test func constantIgnoresWarmup() {
        let s = LearningRateSchedule(ScheduleSettings(kind: .constant, warmupSteps: 10), peak: 2e-4, totalSteps: 100)
        #expect((0..<100).allSatisfy { s.rate(at: $0) == 2e-4 })
    }

    @Test func warmupRisesLinearlyFromZero() {
        let s = LearningRateSchedule(ScheduleSettings(kind: .constantWithWarmup, warmupSteps: 4), peak: 1, totalSteps: 10)
        #expect((0..<6).map { s.rate(at: $0) } == [0, 0.25, 0.5, 0.75, 1, 1])
    }

    @Test func linearAndCosineDecayToZero() {
        let linear = LearningRateSchedule(ScheduleSettings(kind: .linear, warmupSteps: 2), peak: 1, totalSteps: 10)
        #expect(linear.rate(at: 1) == 0.5 && linear.rate(at: 2) == 1 && linear.rate(at: 6) == 0.5 && linear.rate(at: 10) == 0)
        let cosine = LearningRateSchedule(ScheduleSettings(kind: .cosine, warmupSteps: 0), peak: 1, totalSteps: 8)
        #expect(cosine.rate(at: 0) == 1)
        #expect(abs(cosine.rate(at: 4) - 0.5) < 1e-12)
        #expect(abs(cosine.rate(at: 2) - (0.5 + 0.5 * 0.5.squareRoot())) < 1e-12)
        #expect(cosine.rate(at: 8) < 1e-12)
    }
}
