import Testing
@testable import Runner

/// The progress line's ETA: each running cell projected from its own pace, so the estimate moves with every
/// logged step instead of standing still until a cell ends (no clock is read: the times are given).
struct ProgressEstimateTests {
    typealias Progress = GridRunner.CellProgress

    @Test func theEstimateFollowsARunningCellsSteps() throws {
        // One job, a cell of 10 steps running, one more waiting, one finished in 20 s before.
        let early = try #require(GridRunner.remainingSeconds(running: [Progress(elapsed: 4, stepsDone: 2, steps: 10)],
                                                             finishedSeconds: [20], waiting: 1, jobs: 1))
        let late = try #require(GridRunner.remainingSeconds(running: [Progress(elapsed: 16, stepsDone: 8, steps: 10)],
                                                            finishedSeconds: [20], waiting: 1, jobs: 1))
        // 2 s a step: 16 s left of the running cell, then 20 s for the waiting one; later 4 s, then 20 s.
        #expect(early == 36)
        #expect(late == 24)
    }

    @Test func beforeAnyCellHasFinishedTheRunningCellsPaceStandsForTheWaitingOnes() throws {
        let running = [Progress(elapsed: 10, stepsDone: 5, steps: 20), Progress(elapsed: 30, stepsDone: 10, steps: 20)]
        // Projected totals 40 s and 60 s (left 30 s and 30 s); two waiting cells at their mean, 50 s; two jobs.
        let seconds = try #require(GridRunner.remainingSeconds(running: running, finishedSeconds: [], waiting: 2, jobs: 2))
        #expect(seconds == (30 + 30 + 2 * 50) / 2)
    }

    @Test func noEstimateUntilEveryRunningCellHasLoggedAStep() {
        #expect(GridRunner.remainingSeconds(running: [Progress(elapsed: 3, stepsDone: 0, steps: 10)], finishedSeconds: [20], waiting: 0, jobs: 1) == nil)
        #expect(GridRunner.remainingSeconds(running: [], finishedSeconds: [], waiting: 3, jobs: 1) == nil)
        #expect(GridRunner.remainingSeconds(running: [], finishedSeconds: [12], waiting: 3, jobs: 2) == 18)
    }
}
