/// Decides which of two answers to a prompt is better: `reference`, `command:PROG` or `human:FILE`.
///
/// A judge never turns a failure into a tie: a timeout, a crash or unreadable output is `.failed`, which the
/// tournament counts and leaves out of the ratings. Judges are called from several threads when a tournament
/// runs with concurrency above 1, hence `Sendable`.
public protocol Judge: Sendable {
    /// The spec string this judge was made from (what the store records as the judge).
    var spec: String { get }

    /// Judges one presentation; blocks until the verdict is in.
    func judge(_ request: JudgeRequest) -> JudgeVerdict
}

extension Judge {
    /// Judges `answerA` (shown first) against `answerB` on `prompt`, with the prompt's `reference` if any.
    public func judge(prompt: String, answerA: String, answerB: String, reference: String? = nil) -> JudgeVerdict {
        judge(JudgeRequest(prompt: prompt, answerA: answerA, answerB: answerB, reference: reference))
    }
}
