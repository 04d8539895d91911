import Testing
@testable import Evaluation

struct JudgeSpecTests {
    @Test func parsesTheThreeKinds() throws {
        #expect(try JudgeSpec.parse("reference") == .reference)
        #expect(try JudgeSpec.parse("command:/opt/judge --model 'my model.gguf' \"a \\\"b\\\"\" c\\ d")
            == .command(program: "/opt/judge", arguments: ["--model", "my model.gguf", "a \"b\"", "c d"]))
        #expect(try JudgeSpec.parse("human:ratings/round 1.csv") == .human(file: "ratings/round 1.csv"))
    }

    @Test func descriptionRoundTrips() throws {
        for spec: JudgeSpec in [.reference, .human(file: "a.csv"),
                                .command(program: "/bin/judge", arguments: ["--x", "two words", "it's", ""])] {
            #expect(try JudgeSpec.parse(spec.description) == spec)
        }
    }

    @Test func clearErrors() {
        #expect(throws: JudgeError.invalidSpec(spec: "gpt4", reason:
            "unknown judge \"gpt4\"; expected reference, command:PROG [ARGS] or human:FILE")) { try JudgeSpec.parse("gpt4") }
        #expect(throws: JudgeError.invalidSpec(spec: "command:  ", reason:
            "no program after \"command:\"; write command:/path/to/judge [ARGS]")) { try JudgeSpec.parse("command:  ") }
        #expect(throws: JudgeError.invalidSpec(spec: "command:judge 'open", reason: "a single quote is never closed")) {
            try JudgeSpec.parse("command:judge 'open")
        }
        #expect(throws: JudgeError.invalidSpec(spec: "human:", reason:
            "no file after \"human:\"; write human:judgments.csv or human:judgments.jsonl")) { try JudgeSpec.parse("human:") }
        #expect(throws: JudgeError.programNotFound(program: "/nonexistent/judge", reason: "no such file")) {
            try JudgeSpec.makeJudge("command:/nonexistent/judge")
        }
        #expect(throws: JudgeError.self) { try JudgeSpec.makeJudge("command:no-such-judge-program-here") }
    }

    @Test func makesJudges() throws {
        #expect(try JudgeSpec.makeJudge("reference") is ReferenceJudge)
        // A program without a slash is found on PATH.
        let command = try JudgeSpec.makeJudge("command:sh -c 'echo tie'", timeout: .seconds(5))
        let judge = try #require(command as? CommandJudge)
        #expect(judge.executable.hasSuffix("/sh"))
        #expect(judge.timeout == .seconds(5))
        #expect(judge.judge(prompt: "p", answerA: "x", answerB: "y").outcome == .tie)
        #expect(judge.spec == "command:\(judge.executable) -c 'echo tie'")
    }
}
