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
        #expect(verdict.rawOutput.hasPrefix("exact a=no b=no; chrF a="))
        #expect(judge.judge(prompt: "", answerA: "apple river ston", answerB: "banana", reference: reference).outcome == .a)
    }

    /// The scores in the raw output, worked out by hand from chrF's definition (n-grams up to 6, β = 2, precision
    /// and recall each averaged over the orders both strings have, F = 5·P·R / (4·P + R)), not by the metric.
    @Test func chrFScoresAreTheDefinitionsWorkedByHand() {
        // Reference "abcd" (grams: a b c d | ab bc cd | abc bcd | abcd).
        // "ab":  order 1 matches 2 of 2 (P 1, R 2/4), order 2 matches 1 of 1 (P 1, R 1/3); orders 3-6 too long for it.
        //        P = 1, R = (1/2 + 1/3) / 2 = 5/12, F = 5·(5/12) / (4 + 5/12) = 25/53 = 0.4716981…
        // "abc": orders 1-3 match every gram (P 1; R 3/4, 2/3, 1/2); order 4 too long for it.
        //        P = 1, R = (3/4 + 2/3 + 1/2) / 3 = 23/36, F = 5·(23/36) / (4 + 23/36) = 115/167 = 0.6886227…
        let verdict = judge.judge(prompt: "", answerA: "ab", answerB: "abc", reference: "abcd")
        #expect(verdict.outcome == .b)
        #expect(verdict.rawOutput == "exact a=no b=no; chrF a=0.471698 b=0.688623 -> b")
        // Whitespace is not a character of any n-gram, and counts are clipped: "aab" against "ab" has
        // order 1: a a b vs a b, 2 clipped matches of 3 (P 2/3, R 1); order 2: aa ab vs ab, 1 of 2 (P 1/2, R 1).
        // P = 7/12, R = 1, F = 5·(7/12) / (4·7/12 + 1) = (35/12) / (40/12) = 7/8.
        let clipped = judge.judge(prompt: "", answerA: "a a b", answerB: "ab", reference: "a b")
        #expect(clipped.outcome == .b)
        #expect(clipped.rawOutput == "exact a=no b=no; chrF a=0.875000 b=1.000000 -> b")
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
