import Support
import Foundation
import Tensors
import Testing
@testable import GGUF
@testable import Tokenizers

/// Small vocabularies whose encodings are worked out by hand from the SentencePiece BPE rules.
@Suite("Tokenizer: SentencePiece BPE")
struct SentencePieceTokenizerTests {
    typealias T = SentencePieceTokenizer.PieceType

    /// Pieces with scores and types; byte pieces for every byte follow the listed ones.
    static func make(_ entries: [(String, Float, T)], prefix: Bool = false, options: SentencePieceTokenizer.Options = .init(),
                     bytes: Bool = true) throws -> SentencePieceTokenizer {
        var pieces = entries.map(\.0), scores = entries.map(\.1), types = entries.map(\.2)
        if bytes {
            for b in 0..<256 {
                pieces.append(SentencePieceTokenizer.byteSpelling(UInt8(b)))
                scores.append(0)
                types.append(.byte)
            }
        }
        var tokenizer = try SentencePieceTokenizer(pieces: pieces, scores: scores, types: types, addSpacePrefix: prefix,
                                                   addsBOS: true, options: options, source: "test")
        tokenizer.bosID = 1
        tokenizer.unknownID = 0
        return tokenizer
    }

    static let base: [(String, Float, T)] = [
        ("<unk>", 0, .unknown), ("<s>", 0, .control), ("</s>", 0, .control),
        ("a", -1, .normal), ("b", -1, .normal), ("c", -1, .normal), ("▁", -1, .normal),
        ("ab", -5, .normal), ("bc", -2, .normal), ("abc", -3, .normal), ("▁a", -4, .normal), ("<hr>", 0, .userDefined),
    ]

    @Test func highestScoringPairMergesFirst() throws {
        let t = try Self.make(Self.base)
        // "bc" (−2) beats "ab" (−5); then a + bc = "abc" (−3).
        #expect(t.encode("abc") == [9])
        // Without "c" the only merge is "ab".
        #expect(t.encode("ab") == [7])
        // Spaces become "▁"; "bc" (−2), then "abc" (−3) outrank "▁a" (−4), and "▁abc" is no piece.
        #expect(t.encode(" abc") == [6, 9])
        #expect(t.decode([6, 9]) == " abc")
        // Without "c", "▁a" (−4) beats "ab" (−5).
        #expect(t.encode(" ab") == [10, 4])
    }

    @Test func byteFallbackForMissingScalars() throws {
        let t = try Self.make(Self.base)
        let ids = t.encode("aé")
        let byteBase = Self.base.count
        #expect(ids == [3, byteBase + 0xC3, byteBase + 0xA9])
        #expect(t.decode(ids) == "aé")
        #expect(t.bytes(of: byteBase + 0xC3) == [0xC3])
    }

    @Test func unknownWithoutBytePiecesIsFused() throws {
        let t = try Self.make(Self.base, bytes: false)
        #expect(t.encode("a日本b") == [3, 0, 4])
    }

    @Test func controlAndUserDefinedPiecesAreMatchedWhole() throws {
        let t = try Self.make(Self.base)
        #expect(t.encode("a<s>b<hr>c") == [3, 1, 4, 11, 5])
        #expect(t.decode([1]) == "<s>")
        #expect(t.id(of: "<hr>") == 11)
    }

    @Test func spacePrefixIsAddedOnceAndDroppedOnDecoding() throws {
        let t = try Self.make(Self.base, prefix: true)
        #expect(t.encode("abc") == [6, 9])
        #expect(t.encode("<s>abc") == [1, 9])   // not at the start of the text: no prefix
        #expect(t.decode(t.encode("abc")) == "abc")
        #expect(t.encodeSequence("ab") == [1, 10, 4])
    }

    @Test func positionPriorityAndSpaceRuns() throws {
        // By score "bc" would win; by position "ab" (earlier) does, and "ab" + "c" has no piece.
        let entries: [(String, Float, T)] = [("<unk>", 0, .unknown), ("<s>", 0, .control), ("a", 0, .normal), ("b", 0, .normal),
                                            ("c", 0, .normal), ("▁", 0, .normal), ("ab", -9, .normal), ("bc", -1, .normal),
                                            ("  ", 0, .userDefined)]
        let byPosition = try Self.make(entries, options: .init(mergePriority: .position, spaceRunsAreMetaspace: true))
        #expect(byPosition.encode("abc") == [6, 4])
        // "  " is a run of two "▁": reached by merging, decoded as spaces.
        #expect(byPosition.encode("a  ") == [2, 8])
        #expect(byPosition.decode([2, 8]) == "a  ")
        let byScore = try Self.make(entries)
        #expect(byScore.encode("abc") == [2, 7])
        // Without the respelling, "  " is a user-defined piece matched whole in the raw text.
        #expect(byScore.encode("a  ") == [2, 8])
        #expect(byScore.encode("a ") == [2, 5])
    }

    @Test func mismatchedFieldsAreErrors() {
        #expect(throws: TokenizerError.self) {
            try SentencePieceTokenizer(pieces: ["a", "b"], scores: [0], types: [.normal, .normal], addSpacePrefix: false,
                                       addsBOS: false, options: .init(), source: "x.gguf")
        }
    }
}

/// Transformers' tokenizer of the real Gemma 3 file (Tests/Fixtures/gemma3/tokens.py) against ours.
@Suite("Tokenizer: Gemma 3 GGUF against transformers")
struct TokenizerGemmaTests {
    @Test(.enabled(if: GemmaTestPaths.available, GemmaTestPaths.skipReason))
    func idsMatchTransformers() throws {
        let file = try GGUFFile(path: GemmaTestPaths.model)
        let tokenizer = try GGUFTokenizer.load(file)
        let reference = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: GemmaTestPaths.fixture("tokens.json"))))
        #expect(tokenizer is SentencePieceTokenizer)
        #expect(tokenizer.vocabularySize == reference["vocab_size"]?.int)
        #expect(tokenizer.bosID == reference["bos"]?.int)
        #expect(tokenizer.eosID == reference["eos"]?.int)
        #expect(tokenizer.addsBOS)
        let cases = try #require(reference["cases"]?.array)
        #expect(cases.count >= 30)
        for c in cases {
            let text = try #require(c["text"]?.string)
            let ids = try #require(c["ids"]?.array).compactMap(\.int)
            let withSpecial = try #require(c["with_special"]?.array).compactMap(\.int)
            #expect(tokenizer.encode(text) == ids, "\(text.debugDescription)")
            #expect(tokenizer.encodeSequence(text) == withSpecial, "\(text.debugDescription)")
            #expect(tokenizer.decode(ids) == c["decoded"]?.string, "\(text.debugDescription)")
            if !text.contains("\u{2581}") { #expect(tokenizer.decode(ids) == text, "round trip of \(text.debugDescription)") }
        }
    }
}
