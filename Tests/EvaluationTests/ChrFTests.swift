import Testing
@testable import Evaluation

struct ChrFTests {
    @Test func identicalIsOneAndDisjointIsZero() {
        #expect(ChrF().score(hypothesis: "apple river", reference: "apple river") == 1)
        // Whitespace is not part of any n-gram.
        #expect(ChrF().score(hypothesis: "appleriver", reference: "apple river") == 1)
        #expect(ChrF().score(hypothesis: "xyz", reference: "abc") == 0)
        #expect(ChrF().score(hypothesis: "", reference: "abc") == 0)
    }

    /// "ab" against "abc", by hand: 1-grams P = 2/2, R = 2/3; 2-grams P = 1/1, R = 1/2; no 3-grams in "ab", so
    /// two orders count. P = 1, R = 7/12, F2 = 5·(7/12) / (4 + 7/12) = 35/55 = 7/11.
    @Test func shortPrefixByHand() {
        #expect(abs(ChrF().score(hypothesis: "ab", reference: "abc") - 7.0 / 11) < 1e-12)
        // Swapped, precision and recall trade places: P = 7/12, R = 1, F2 = 5·(7/12) / (4·7/12 + 1) = 35/40.
        #expect(abs(ChrF().score(hypothesis: "abc", reference: "ab") - 35.0 / 40) < 1e-12)
    }

    /// Clipped counts: "aaa" against "a": 1-grams match once (P 1/3, R 1); only order 1 counts.
    /// F2 = 5·(1/3)·1 / (4/3 + 1) = (5/3) / (7/3) = 5/7.
    @Test func repeatedCharactersAreClipped() {
        #expect(abs(ChrF().score(hypothesis: "aaa", reference: "a") - 5.0 / 7) < 1e-12)
    }

    /// β weighs recall: with β = 1 the same pair is the plain harmonic mean, 2·1·(7/12) / (1 + 7/12) = 14/19.
    @Test func betaIsHonoured() {
        #expect(abs(ChrF(beta: 1).score(hypothesis: "ab", reference: "abc") - 14.0 / 19) < 1e-12)
        #expect(abs(ChrF(maxOrder: 1).score(hypothesis: "ab", reference: "abc") - 5 * (2.0 / 3) / (4 + 2.0 / 3)) < 1e-12)
    }

    /// sacrebleu's published example (its CHRF metric card): 61.576379378113785 on its 0–100 scale.
    @Test func agreesWithSacrebleuExample() {
        let score = ChrF().score(
            hypothesis: "The relationship between Obama and Netanyahu is not exactly friendly.",
            reference: "The ties between Obama and Netanyahu are not particularly friendly.")
        #expect(abs(score * 100 - 61.576379378113785) < 1e-9)
    }

    @Test func chineseCharacters() {
        // One character differs in four: 1-grams 3/4 both ways, 2-grams 1/3 ("山水"), 3-grams 0 of 2.
        // P = R = (3/4 + 1/3 + 0 + 0) / 4 with 4-grams (one each, no match), so F2 = P.
        let expected = (0.75 + 1.0 / 3) / 4
        #expect(abs(ChrF().score(hypothesis: "山水日花", reference: "山水月花") - expected) < 1e-12)
    }
}
