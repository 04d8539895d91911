import Support
import Testing
@testable import Runner

/// A cell's `train_loss`: the mean of its last 10% of steps, not one batch.
struct TrainLossTests {
    static func steps(_ losses: [Double], from first: Int = 1) -> [StepLine] {
        losses.enumerated().map { StepLine(step: first + $0.offset, loss: $0.element, gradNorm: 1, lr: 1e-4, tokens: 10, seconds: 1) }
    }

    @Test func theMeanOfTheLastTenthOfTheSteps() {
        // 40 steps: the last 4 (37–40), whatever the last batch alone says.
        let losses = (1...40).map { Double($0) }
        let lastFour: Double = (37 + 38 + 39 + 40) / 4
        #expect(CellWorker.trainLoss(steps: Self.steps(losses), fallback: 99) == lastFour)
        // 25 steps: ceil(2.5) = 3; 5 steps: 1 (the last); 1 step: itself.
        #expect(CellWorker.trainLoss(steps: Self.steps((1...25).map(Double.init)), fallback: nil) == 24)
        #expect(CellWorker.trainLoss(steps: Self.steps([5, 4, 3, 2, 1.5]), fallback: nil) == 1.5)
        #expect(CellWorker.trainLoss(steps: Self.steps([2.5]), fallback: nil) == 2.5)
    }

    @Test func aStepRedoneAfterAResumeCountsOnceAsRedone() {
        // Steps 1–12 logged, killed, resumed from the checkpoint at 10: 11 and 12 logged again with new values.
        let log = Self.steps((1...12).map { Double($0) }) + Self.steps([110, 120, 130, 140, 150, 160, 170, 180, 190, 200], from: 11)
        // 20 steps: the last 2 (19, 20) as the resumed run logged them.
        #expect(CellWorker.trainLoss(steps: log, fallback: nil) == 195)
    }

    @Test func withoutALogTheTrainersLastLossStands() {
        #expect(CellWorker.trainLoss(steps: [], fallback: 2.25) == 2.25)
        #expect(CellWorker.trainLoss(steps: [], fallback: nil).isNaN)
    }
}
