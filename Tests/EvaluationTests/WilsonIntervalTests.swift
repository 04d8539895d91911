import Support
import Foundation
import Testing
@testable import Evaluation

/// Wilson intervals against the roots of (p̂ − p)² = z²·p(1 − p)/n, solved by the quadratic formula in float64
/// (Python) once: another algebra than the code's centre ± half-width.
struct WilsonIntervalTests {
    @Test(arguments: [
        (7, 10, 0.39677814746114537, 0.8922087325936988),
        (0, 10, 0.0, 0.2775327998628892),
        (10, 10, 0.7224672001371114, 1.0),
        (50, 100, 0.4038315303659957, 0.5961684696340043),
        (1, 3, 0.061491944720396215, 0.7923403991979523),
    ])
    func matchesTheQuadraticRoots(successes: Int, trials: Int, lower: Double, upper: Double) {
        let w = WilsonInterval(successes: successes, trials: trials)
        #expect(abs(w.lower - lower) < 1e-12, "\(w.lower) vs \(lower)")
        #expect(abs(w.upper - upper) < 1e-12, "\(w.upper) vs \(upper)")
    }

    @Test func macroAndMicroAveragesOfAResult() {
        // Subject x: 3 of 4 right; subject y: 5 of 10 right.
        func answer(_ subject: String, _ right: Bool) -> BenchmarkResult.Answer {
            .init(subject: subject, index: 0, predicted: right ? 1 : 0, gold: 1, scores: [0, 1, 0, 0], shots: 5, droppedShots: 0, promptTokens: 10)
        }
        let answers = (0..<4).map { answer("x", $0 < 3) } + (0..<10).map { answer("y", $0 < 5) }
        let result = BenchmarkResult(answers: answers, shots: 5)
        #expect(result.subjects.map(\.name) == ["x", "y"])
        #expect(result.subjects.map(\.correct) == [3, 5])
        #expect(result.micro == 8.0 / 14)
        #expect(result.macro == 0.625)
        // Macro: p = 0.625 at the effective size 2² / (1/4 + 1/10) = 11.43 questions.
        #expect(abs(result.macroInterval.lower - 0.34870658438936786) < 1e-12)
        #expect(abs(result.macroInterval.upper - 0.8384012870754106) < 1e-12)
        let micro = WilsonInterval(successes: 8, trials: 14)
        #expect(result.microInterval == micro)
    }
}
