import Foundation
import Testing
@testable import Evaluation

/// The command judge against real programs: shell scripts written into a temporary directory.
@Suite(.serialized) struct JudgeCommandTests {
    let request = JudgeRequest(promptID: "p1", prompt: "2+44=", contestantA: "x", contestantB: "y",
                               answerA: "46", answerB: "47", reference: "46")

    func judge(_ body: String, timeout: Duration = .seconds(10)) throws -> (JudgeVerdict, Duration) {
        let scratch = try JudgeScratch()
        defer { scratch.remove() }
        let judge = CommandJudge(executable: try scratch.script("judge.sh", body), timeout: timeout)
        let start = ContinuousClock.now
        let verdict = judge.judge(request)
        return (verdict, ContinuousClock.now - start)
    }

    @Test func answersA() throws {
        let (verdict, _) = try judge("cat > /dev/null; echo A")
        #expect(verdict.outcome == .a)
        #expect(verdict.rawOutput == "A\n")
    }

    @Test func answersLowercaseBWithNewline() throws {
        #expect(try judge("cat > /dev/null; printf 'b\\n'").0.outcome == .b)
        #expect(try judge("cat > /dev/null; printf '  TIE \\n\\n'").0.outcome == .tie)
    }

    @Test func receivesTheRequestAsJSON() throws {
        let scratch = try JudgeScratch()
        defer { scratch.remove() }
        let saved = scratch.directory.appendingPathComponent("input.json").path
        let judge = CommandJudge(executable: try scratch.script("judge.sh", "cat > '\(saved)'; echo A"))
        #expect(judge.judge(request).outcome == .a)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: saved))) as! [String: String]
        #expect(json == ["prompt": "2+44=", "answer_a": "46", "answer_b": "47", "reference": "46"])
        var noReference = request
        noReference.reference = nil
        #expect(judge.judge(noReference).outcome == .a)
        let second = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: saved))) as! [String: String]
        #expect(second["reference"] == nil)
        #expect(second.count == 3)
    }

    @Test func hangIsKilledAtTheTimeout() throws {
        // The script ignores SIGTERM and leaves a child sleeping: only killing the whole group ends both.
        let (verdict, elapsed) = try judge("trap '' TERM; sleep 100; echo A", timeout: .milliseconds(500))
        #expect(verdict.outcome.failureReason?.hasPrefix("timed out after 0.5 s") == true)
        #expect(elapsed < .seconds(5))
    }

    @Test func crashIsAFailure() throws {
        let (segv, _) = try judge("echo A; kill -SEGV $$")
        #expect(segv.outcome == .failed(reason: "killed by signal 11 (SIGSEGV)"))
        #expect(segv.rawOutput == "A\n")
        let (exit3, _) = try judge("cat > /dev/null; echo A; echo 'model not loaded' >&2; exit 3")
        #expect(exit3.outcome == .failed(reason: "exited with status 3; stderr: model not loaded"))
    }

    @Test func garbageIsAFailure() throws {
        let (verdict, _) = try judge("cat > /dev/null; echo 'I think A is better'")
        #expect(verdict.outcome.failureReason?.contains("not A, B or tie") == true)
        #expect(verdict.rawOutput == "I think A is better\n")
        #expect(try judge("cat > /dev/null").0.outcome == .failed(reason: "printed nothing; expected A, B or tie"))
        #expect(try judge("echo 'A B'").0.outcome.failureReason != nil)
    }

    @Test func programThatIgnoresStdin() throws {
        // A request far bigger than any pipe or socket buffer, to a program that never reads it.
        let scratch = try JudgeScratch()
        defer { scratch.remove() }
        let judge = CommandJudge(executable: try scratch.script("judge.sh", "echo B"), timeout: .seconds(10))
        var big = request
        big.answerA = String(repeating: "long answer ", count: 200_000)
        let start = ContinuousClock.now
        #expect(judge.judge(big).outcome == .b)
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func megabytesOfOutput() throws {
        let (verdict, elapsed) = try judge("cat > /dev/null; head -c 5000000 /dev/zero | tr '\\0' 'A'")
        #expect(verdict.outcome.failureReason?.hasPrefix("printed 5000000 bytes") == true)
        #expect(verdict.rawOutput.utf8.count < 70 * 1024)
        #expect(verdict.rawOutput.hasSuffix("more bytes not kept]"))
        #expect(elapsed < .seconds(10))
    }

    @Test func backgroundChildDoesNotHoldTheJudgmentUp() throws {
        // The script answers and exits, but a background child keeps its stdout open for 100 s.
        let (verdict, elapsed) = try judge("cat > /dev/null; sleep 100 & echo A")
        #expect(verdict.outcome == .a)
        #expect(elapsed < .seconds(5))
    }

    #if os(Linux)
    @Test func inheritsNoDescriptorsButTheThreeStreams() throws {
        // A descriptor this process leaves open across exec must still not reach the judge.
        let leaked = open("/dev/null", O_RDONLY)
        defer { close(leaked) }
        let (verdict, _) = try judge("cat > /dev/null; if [ -e /proc/$$/fd/\(leaked) ]; then echo leaked; else echo A; fi")
        #expect(verdict.outcome == .a)
    }
    #endif

    @Test func missingProgramFails() {
        let judge = CommandJudge(executable: "/nonexistent/judge")
        let outcome = judge.judge(request).outcome
        #expect(outcome.failureReason?.hasPrefix("cannot start /nonexistent/judge") == true)
    }

    @Test func concurrentJudgesDoNotShareDescriptors() throws {
        // Several programs at once, each answering after a pause: if one inherited another's output, its
        // verdict would be mixed up or wait for the other to finish.
        let scratch = try JudgeScratch()
        defer { scratch.remove() }
        let judge = CommandJudge(executable: try scratch.script("judge.sh", "cat > /dev/null; sleep 0.3; echo A"))
        let requests = [JudgeRequest](repeating: request, count: 8)
        let start = ContinuousClock.now
        let verdicts = TournamentRunner.run(requests, judge: judge, concurrency: 4) { _, _ in }
        #expect(verdicts.allSatisfy { $0.outcome == .a && $0.rawOutput == "A\n" })
        #expect(ContinuousClock.now - start < .seconds(2.4))
    }

    @Test func parseIsStrict() {
        #expect(CommandJudge.parse("\n a \t") == .a)
        #expect(CommandJudge.parse("Tie") == .tie)
        #expect(CommandJudge.parse("A.").failureReason != nil)
        #expect(CommandJudge.parse("ties").failureReason != nil)
    }
}
