import Testing
@testable import Evaluation

struct JudgeReferenceTests {
    let judge = ReferenceJudge()

    @Test func exactMatchBeatsNearMiss() {
        // "4.6" is as close as a wrong answer gets by characters, but only "46.0" is the answer.
        let verdict = judge.judge(prompt: "2+44=", answerA: "4.6", answerB: "46.0", reference: "46")
        #expect(verdict.outcome == .b)
        #expect(verdict.rawOutput.hasPrefix("exact a=no b=yes"))
        #expect(judge.judge(prompt: "2+44=", answerA: " 46。", answerB: "47", reference: "46").outcome == .a)
    }

    @Test func chrFDecidesWhenNeitherMatches() {
        let reference = "apple river stone light"
        let verdict = judge.judge(prompt: "Repeat exactly: \(reference)", answerA: "apple stone",
                                  answerB: "apple river stone", reference: reference)
        #expect(verdict.outcome == .b)
        let a = ChrF().score(hypothesis: "apple stone", reference: reference)
        let b = ChrF().score(hypothesis: "apple river stone", reference: reference)
        #expect(a < b)
        #expect(verdict.rawOutput.contains("chrF a=\(ReferenceJudge.format(a)) b=\(ReferenceJudge.format(b))"))
        #expect(judge.judge(prompt: "", answerA: "apple river ston", answerB: "banana", reference: reference).outcome == .a)
    }

    @Test func chrFDecidesWhenBothMatch() {
        // Both normalize to the reference, so both match and chrF (on the normalized text) is equal: a tie.
        #expect(judge.judge(prompt: "", answerA: "46", answerB: "46.0!", reference: "46").outcome == .tie)
    }

    @Test func equalAnswersTie() {
        #expect(judge.judge(prompt: "", answerA: "banana", answerB: "BANANA", reference: "apple").outcome == .tie)
        #expect(judge.judge(prompt: "", answerA: "xyz", answerB: "qqq", reference: "apple").outcome == .tie)
    }

    @Test func noReferenceFails() {
        let verdict = judge.judge(prompt: "Tell me a story.", answerA: "Once", answerB: "Long ago", reference: nil)
        #expect(verdict.outcome == .failed(reason: "the prompt has no reference answer"))
    }

    @Test func chineseReference() {
        let verdict = judge.judge(prompt: "请原样重复：山水月花", answerA: "山水月", answerB: "山水月花。", reference: "山水月花")
        #expect(verdict.outcome == .b)
    }
}
