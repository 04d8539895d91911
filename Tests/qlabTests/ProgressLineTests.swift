import Testing
@testable import Runner

/// `qlab run`'s status line: it fits a standard terminal, events never run on from it, and its estimate counts
/// evaluation and resumed steps as they are.
struct ProgressLineTests {
    typealias Progress = GridRunner.CellProgress

    @Test func theLineNamesCountsCellsAndTimes() {
        let line = ProgressLine(done: 1, total: 4, failed: 0, running: [.init(id: "3f2a1c0d9e8b", step: 12, steps: 40),
                                                                        .init(id: "9b7e55aa0011", step: 30, steps: 40)],
                                elapsed: 62, remaining: 235)
        #expect(line.render() == "1/4 done, 0 failed | 3f2a1c0d 12/40  9b7e55aa 30/40 | 1m2s, ETA 3m55s")
    }

    @Test func manyRunningCellsStillFitEightyColumns() {
        let running = (0..<16).map { ProgressLine.Cell(id: "abcdef\($0)123456", step: 1234, steps: 100_000) }
        let line = ProgressLine(done: 1200, total: 4800, failed: 37, running: running, elapsed: 200_000, remaining: 900_000).render()
        #expect(line.count <= 79, "\(line.count): \(line)")
        #expect(line.hasPrefix("1200/4800 done, 37 failed | abcdef01 1234/100000  +15 more | "), "\(line)")
        #expect(line.contains(" more | "), "\(line)")
        #expect(line.hasSuffix("ETA 250h0m"), "\(line)")
    }

    @Test func anEventClearsTheStatusLineAndTakesALineOfItsOwn() {
        final class Transcript { var text = "" }
        let out = Transcript()
        let display = StatusDisplay(interactive: true, write: { out.text += $0 }, say: { out.text += $0 + "\n" })
        display.status("1/4 done, 0 failed | 3f2a1c0d 40/40 | 9s, ETA 0s")
        display.event("cell 3f2a1c0d9e8b done (lora.rank=8) in 9 s")
        display.status("2/4 done, 0 failed | 1s")
        display.clear()
        let clear = StatusDisplay.clearLine
        #expect(out.text == clear + "1/4 done, 0 failed | 3f2a1c0d 40/40 | 9s, ETA 0s" + clear + "cell 3f2a1c0d9e8b done (lora.rank=8) in 9 s\n"
                + clear + "2/4 done, 0 failed | 1s" + clear)
        // Not on a terminal both are plain lines, with no control characters.
        let log = Transcript()
        let plain = StatusDisplay(interactive: false, write: { log.text += $0 }, say: { log.text += $0 + "\n" })
        plain.status("status")
        plain.event("event")
        plain.clear()
        #expect(log.text == "status\nevent\n")
    }

    @Test func theEstimateCountsEvaluationMeasuredOnFinishedCells() throws {
        // Finished cells took 30 s, 10 s of it evaluating after their last step; one job, nothing waiting.
        let training = try #require(GridRunner.remainingSeconds(running: [Progress(elapsed: 10, stepsDone: 5, steps: 10)],
                                                                finishedSeconds: [30], evaluationSeconds: [10], waiting: 0, jobs: 1))
        #expect(training == 10 + 10, "10 s of steps at 2 s each, then the evaluation")
        let evaluating = try #require(GridRunner.remainingSeconds(running: [Progress(elapsed: 24, stepsDone: 10, steps: 10, evaluatingFor: 4)],
                                                                  finishedSeconds: [30], evaluationSeconds: [10], waiting: 0, jobs: 1))
        #expect(evaluating == 6, "all steps logged is not done: 6 s of the evaluation remain")
        #expect(GridRunner.remainingSeconds(running: [Progress(elapsed: 24, stepsDone: 10, steps: 10, evaluatingFor: 4)],
                                            finishedSeconds: [], waiting: 0, jobs: 1) == nil, "no evaluation measured yet: unknown, not 0 s")
    }

    @Test func aResumedCellIsPacedByTheStepsItLoggedItself() throws {
        // Resumed from step 6 of 10: 2 steps logged in 4 s since it started.
        let seconds = try #require(GridRunner.remainingSeconds(running: [Progress(elapsed: 4, stepsDone: 8, steps: 10, stepsAtStart: 6)],
                                                               finishedSeconds: [], waiting: 0, jobs: 1))
        #expect(seconds == 4)
        #expect(GridRunner.remainingSeconds(running: [Progress(elapsed: 4, stepsDone: 6, steps: 10, stepsAtStart: 6)],
                                            finishedSeconds: [20], waiting: 0, jobs: 1) == nil, "no step of its own yet")
    }
}
