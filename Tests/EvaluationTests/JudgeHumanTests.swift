import Testing
@testable import Evaluation

struct JudgeHumanTests {
    func request(_ prompt: String, _ a: String, _ b: String) -> JudgeRequest {
        JudgeRequest(promptID: prompt, prompt: "…", contestantA: a, contestantB: b, answerA: "", answerB: "")
    }

    @Test func csvWithRatersAndQuotes() throws {
        let scratch = try JudgeScratch()
        defer { scratch.remove() }
        let path = try scratch.file("ratings.csv", #"""
            rater,prompt_id,model_a,model_b,winner,comment
            r1,p1,x,y,a,"clear, short"
            r2,p1,x,y,A,
            r3,p1,x,y,tie,"said ""meh"""
            r1,p1,y,x,b,
            r1,p2,x,y,model_b,"spans
            two lines"

            r1,p3,x,y,a,
            r2,p3,x,y,b,
            """#)
        let judge = try HumanJudge(files: [path])
        #expect(judge.ratings.count == 7)
        #expect(judge.ratings[4].source == "\(path):6")
        #expect(judge.ratings[5].source == "\(path):9")
        let majority = judge.judge(request("p1", "x", "y"))
        #expect(majority.outcome == .a)
        #expect(majority.rawOutput == "a (\(path):2), a (\(path):3), tie (\(path):4)")
        #expect(judge.judge(request("p1", "y", "x")).outcome == .b)
        #expect(judge.judge(request("p2", "x", "y")).outcome == .b)
        // Split one to one: no majority, a tie.
        #expect(judge.judge(request("p3", "x", "y")).outcome == .tie)
        // Rated only in one order: the other order is a failure, not a reuse of the rating.
        #expect(judge.judge(request("p2", "y", "x")).outcome.failureReason?.contains("\"y\" shown first") == true)
        #expect(judge.spec == "human:\(path)")
    }

    @Test func jsonLines() throws {
        let scratch = try JudgeScratch()
        defer { scratch.remove() }
        let path = try scratch.file("ratings.jsonl", """
            {"prompt_id": "p1", "model_a": "x", "model_b": "y", "winner": "b"}

            {"prompt_id": 7, "model_a": "y", "model_b": "x", "winner": "TIE", "rater": "r9"}
            """)
        let judge = try JudgeSpec.makeJudge("human:\(path)")
        #expect(judge.judge(request("p1", "x", "y")).outcome == .b)
        #expect(judge.judge(request("7", "y", "x")).outcome == .tie)
    }

    @Test func badLinesNameFileAndLine() throws {
        let scratch = try JudgeScratch()
        defer { scratch.remove() }
        let csv = try scratch.file("bad.csv", "prompt_id,model_a,model_b,winner\np1,x,y,a\np2,x,y,maybe\n")
        #expect(throws: JudgeError.malformedLine(file: csv, line: 3, reason: "winner is \"maybe\"; expected a, b or tie")) {
            try HumanJudge(files: [csv])
        }
        let short = try scratch.file("short.csv", "prompt_id,model_a,model_b,winner\n\np1,x,y\n")
        #expect(throws: JudgeError.malformedLine(file: short, line: 3, reason: "3 fields, but \"winner\" is column 4")) {
            try HumanJudge(files: [short])
        }
        let header = try scratch.file("header.csv", "prompt,model_a,model_b,winner\n")
        #expect(throws: JudgeError.malformedLine(file: header, line: 1, reason:
            "the header has no \"prompt_id\" column; it needs prompt_id, model_a, model_b and winner")) {
            try HumanJudge(files: [header])
        }
        let unclosed = try scratch.file("unclosed.csv", "prompt_id,model_a,model_b,winner\np1,x,y,a\np2,\"x,y,b\n")
        #expect(throws: JudgeError.malformedLine(file: unclosed, line: 3, reason: "a quoted field is never closed")) {
            try HumanJudge(files: [unclosed])
        }
        let jsonl = try scratch.file("bad.jsonl", """
            {"prompt_id": "p1", "model_a": "x", "model_b": "y", "winner": "a"}
            {"prompt_id": "p1", "model_a": "x", "model_b": "x", "winner": "a"}
            """)
        #expect(throws: JudgeError.malformedLine(file: jsonl, line: 2, reason: "\"x\" is on both sides")) {
            try HumanJudge(files: [jsonl])
        }
        let notJSON = try scratch.file("worse.jsonl", "{\"prompt_id\": \"p1\"}\n{oops\n")
        #expect(throws: JudgeError.malformedLine(file: notJSON, line: 1, reason: "missing \"model_a\"")) {
            try HumanJudge(files: [notJSON])
        }
        #expect(throws: JudgeError.unreadableFile(file: "/nonexistent/r.csv", reason: "no such file")) {
            try HumanJudge(files: ["/nonexistent/r.csv"])
        }
        let error = JudgeError.malformedLine(file: "r.csv", line: 3, reason: "winner is \"maybe\"; expected a, b or tie")
        #expect(error.description == "r.csv:3: winner is \"maybe\"; expected a, b or tie")
    }
}
