import Foundation

extension AtomicFile {
    /// Runs `body` with an observer that keeps every step, and returns them in the order they were taken.
    public static func recordingSteps(_ body: () async throws -> Void) async rethrows -> [Step] {
        let log = StepLog()
        try await $observer.withValue(Observer { log.append($0) }) { try await body() }
        return log.steps
    }

    /// The steps seen so far; writes on other threads of the task may append at any time.
    private final class StepLog: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [Step] = []
        func append(_ step: Step) {
            lock.lock()
            list.append(step)
            lock.unlock()
        }
        var steps: [Step] {
            lock.lock()
            defer { lock.unlock() }
            return list
        }
    }
}
