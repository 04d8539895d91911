/// Exact-match accuracy of answers over a task set, after `AnswerNormalizer` on both sides.
public struct AnswerAccuracy: Sendable, Hashable, Codable {
    /// Right and total counts for a group of tasks.
    public struct Tally: Sendable, Hashable, Codable {
        /// Tasks answered exactly.
        public var correct: Int
        /// Tasks asked.
        public var total: Int
        /// `correct / total`, or 0 for an empty group.
        public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

        /// `correct` out of `total`.
        public init(correct: Int = 0, total: Int = 0) {
            self.correct = correct
            self.total = total
        }
    }

    /// One task's answer as scored.
    public struct Item: Sendable, Hashable, Codable {
        /// The task's identifier.
        public var taskID: String
        /// The task's kind.
        public var kind: String
        /// The answer after normalization.
        public var normalizedAnswer: String
        /// The reference after normalization.
        public var normalizedReference: String
        /// Whether the two are equal.
        public var correct: Bool
    }

    /// All tasks together.
    public var overall: Tally
    /// Tasks grouped by kind.
    public var byKind: [String: Tally]
    /// Every task, in task-set order.
    public var items: [Item]

    /// The fraction of tasks answered exactly.
    public var accuracy: Double { overall.accuracy }

    /// Scores `answers` (task id → the model's answer) against `tasks`; every task needs exactly one answer.
    public static func score(tasks: [AnswerTask], answers: [String: String]) throws(AnswerError) -> AnswerAccuracy {
        var seen = Set<String>()
        for task in tasks where !seen.insert(task.id).inserted { throw .duplicateTask(id: task.id) }
        // Report a stray answer rather than ignore it: it means the caller's answers and tasks disagree.
        if let stray = answers.keys.sorted().first(where: { !seen.contains($0) }) { throw .unknownTask(id: stray) }
        var overall = Tally()
        var byKind: [String: Tally] = [:]
        var items: [Item] = []
        for task in tasks {
            guard let answer = answers[task.id] else { throw .missingAnswer(taskID: task.id) }
            let normalizedAnswer = AnswerNormalizer.normalize(answer)
            let normalizedReference = AnswerNormalizer.normalize(task.reference)
            let correct = normalizedAnswer == normalizedReference
            overall.total += 1
            byKind[task.kind, default: Tally()].total += 1
            if correct {
                overall.correct += 1
                byKind[task.kind, default: Tally()].correct += 1
            }
            items.append(Item(taskID: task.id, kind: task.kind, normalizedAnswer: normalizedAnswer,
                              normalizedReference: normalizedReference, correct: correct))
        }
        return AnswerAccuracy(overall: overall, byKind: byKind, items: items)
    }
}
