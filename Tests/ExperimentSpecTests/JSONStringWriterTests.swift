import Testing
@testable import ExperimentSpec

/// The two spellings of a JSON string, each fixed because hashes of what it wrote are stored.
struct JSONStringWriterTests {
    static let text = "a\"b\\c\u{08}\u{0C}\t\n\r\u{01}\u{1F}\u{7F}\u{2028}\u{2029}é漢"

    @Test func canonicalIsRFC8785() {
        var out = ""
        JSONStringWriter.append(Self.text, to: &out, style: .canonical)
        #expect(out == #""a\"b\\c\b\f\t\n\r\u0001\u001f"# + "\u{7F}\u{2028}\u{2029}é漢\"")
    }

    @Test func dataLinesEscapeDeleteAndTheLineSeparatorsAndSpellBAndFLong() {
        var out = ""
        JSONStringWriter.append(Self.text, to: &out, style: .dataLine)
        #expect(out == #""a\"b\\c\u0008\u000c\t\n\r\u0001\u001f\u007f\u2028\u2029"# + "é漢\"")
    }
}
