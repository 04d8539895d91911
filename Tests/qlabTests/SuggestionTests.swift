import Testing
@testable import qlab

/// "Did you mean": slips of typing find their name; a different word finds none.
struct SuggestionTests {
    @Test func slipsFindTheNearestNameAndGuessesFindNone() {
        #expect(Suggestion.distance("smoek", "smoke") == 1)
        #expect(Suggestion.distance("kitten", "sitting") == 3)
        #expect(Suggestion.nearest(to: "smoek", among: ["smoke", "appendix-b"]) == "smoke")
        #expect(Suggestion.nearest(to: "optimizer.learningrate", among: ["optimizer.learningRate", "optimizer.kind"]) == "optimizer.learningRate")
        #expect(Suggestion.nearest(to: "optimizer.lr", among: ["optimizer.learningRate", "optimizer.kind"]) == nil)
        #expect(Suggestion.nearest(to: "smoke", among: ["smoke"]) == nil, "an exact name needs no suggestion")
    }
}
