import ExperimentSpec
import Foundation
import Support

/// What a benchmark run measured: every answer, the accuracy per subject, and the macro and micro averages,
/// each with a Wilson 95% interval.
public struct BenchmarkResult: Sendable {
    /// One question's outcome.
    public struct Answer: Sendable, Equatable {
        public var subject: String
        /// The 0-based row of the question in its test file.
        public var index: Int
        public var predicted: Int
        public var gold: Int
        /// The score of each option: the logit of its letter's token, or (cloze) its text's log-probability per byte.
        public var scores: [Double]
        /// Solved examples the prompt held, and how many of those asked for were dropped to fit the context.
        public var shots: Int
        public var droppedShots: Int
        /// Tokens of the prompt.
        public var promptTokens: Int
    }

    /// One subject's accuracy.
    public struct Subject: Sendable, Equatable {
        public var name: String
        public var asked: Int
        public var correct: Int
        /// Questions whose prompt dropped shots, and the shots dropped over all of them.
        public var questionsWithDroppedShots: Int
        public var droppedShots: Int
        public var accuracy: Double { asked > 0 ? Double(correct) / Double(asked) : .nan }
        public var interval: WilsonInterval { WilsonInterval(successes: correct, trials: asked) }
    }

    public var answers: [Answer]
    /// Shots asked for.
    public var shots: Int
    /// How the options were scored.
    public var scoring: Benchmark.Scoring

    public init(answers: [Answer], shots: Int, scoring: Benchmark.Scoring = .letter) {
        self.answers = answers
        self.shots = shots
        self.scoring = scoring
    }

    /// Subjects in the order their first question came.
    public var subjects: [Subject] {
        var order: [String] = []
        var table: [String: Subject] = [:]
        for a in answers {
            if table[a.subject] == nil {
                order.append(a.subject)
                table[a.subject] = Subject(name: a.subject, asked: 0, correct: 0, questionsWithDroppedShots: 0, droppedShots: 0)
            }
            table[a.subject]!.asked += 1
            if a.predicted == a.gold { table[a.subject]!.correct += 1 }
            if a.droppedShots > 0 { table[a.subject]!.questionsWithDroppedShots += 1 }
            table[a.subject]!.droppedShots += a.droppedShots
        }
        return order.map { table[$0]! }
    }

    /// Right answers over all questions.
    public var micro: Double { answers.isEmpty ? .nan : Double(answers.filter { $0.predicted == $0.gold }.count) / Double(answers.count) }
    /// Wilson interval of the micro average over all questions.
    public var microInterval: WilsonInterval {
        WilsonInterval(successes: answers.filter { $0.predicted == $0.gold }.count, trials: answers.count)
    }

    /// The mean of the subjects' accuracies.
    public var macro: Double {
        let s = subjects
        return s.isEmpty ? .nan : s.map(\.accuracy).reduce(0, +) / Double(s.count)
    }

    /// Wilson interval of the macro average at its effective sample size k² / Σ 1/nᵢ (k subjects of nᵢ
    /// questions): the n for which a single proportion has the variance p(1−p)/n that the mean of k
    /// proportions has when they share p. With equal subjects it is the number of questions.
    public var macroInterval: WilsonInterval {
        let s = subjects
        guard !s.isEmpty else { return WilsonInterval(proportion: 0, trials: 0) }
        let k = Double(s.count)
        let effective = k * k / s.map { 1 / Double($0.asked) }.reduce(0, +)
        return WilsonInterval(proportion: macro, trials: effective)
    }

    /// Questions whose prompt dropped shots to fit the context.
    public var questionsWithDroppedShots: Int { answers.filter { $0.droppedShots > 0 }.count }

    /// A JSON object: the settings given, the accuracies with intervals, and (with `questions`) every answer.
    public func jsonObject(questions: Bool) -> [String: Any] {
        func interval(_ w: WilsonInterval) -> [Double] { [w.lower, w.upper] }
        var object: [String: Any] = [
            "shots": shots,
            "scoring": scoring.rawValue,
            "questions_asked": answers.count,
            "micro_accuracy": micro, "micro_interval": interval(microInterval),
            "macro_accuracy": macro, "macro_interval": interval(macroInterval),
            "questions_with_dropped_shots": questionsWithDroppedShots,
            "dropped_shots": answers.map(\.droppedShots).reduce(0, +),
            "subjects": subjects.map { s -> [String: Any] in
                ["subject": s.name, "asked": s.asked, "correct": s.correct, "accuracy": s.accuracy, "interval": interval(s.interval),
                 "questions_with_dropped_shots": s.questionsWithDroppedShots, "dropped_shots": s.droppedShots]
            },
        ]
        if questions {
            object["questions"] = answers.map { a -> [String: Any] in
                ["subject": a.subject, "index": a.index, "predicted": BenchmarkQuestion.letters[a.predicted],
                 "gold": BenchmarkQuestion.letters[a.gold], "scores": a.scores, "shots": a.shots, "prompt_tokens": a.promptTokens]
            }
        }
        return object
    }
}
