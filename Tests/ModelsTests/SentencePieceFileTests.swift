import Foundation
import Support
import Testing
@testable import Tokenizers

/// The tiny SentencePiece models of Tests/Fixtures/sentencepiece (make.py): qlab's ids from each `tokenizer.model`
/// against the sentencepiece library's (which transformers' sentencepiece-backed tokenizer equals on these texts),
/// and from each `tokenizer.json` against the tokenizers library's.
@Suite("Tokenizer: SentencePiece files against sentencepiece and transformers")
struct SentencePieceFileTests {
    static let models = ["bpe-nfkc", "unigram-nfkc", "bpe-llama", "bpe-noprefix"]
    static let bpeModels = ["bpe-nfkc", "bpe-llama", "bpe-noprefix"]

    static func cases(_ model: String) throws -> JSONValue {
        try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("sentencepiece/\(model)/cases.json"))))
    }

    static func ids(_ value: JSONValue?) throws -> [[Int]] {
        try #require(value?.array).map { try #require($0.array).map { try #require($0.int) } }
    }

    @Test(arguments: models)
    func modelFileMatchesTheLibrary(model: String) throws {
        let path = TestPaths.fixture("sentencepiece/\(model)/tokenizer.model")
        let tokenizer = try TokenizerLoader.sentencePieceModel(path)
        let reference = try Self.cases(model)
        let texts = try #require(reference["texts"]?.array).map { try #require($0.string) }
        let expected = try Self.ids(reference["sentencepiece"])
        let slow = try Self.ids(reference["slow"])
        let decoded = try #require(reference["sentencepiece_decode"]?.array).map { try #require($0.string) }
        #expect(texts.count == 23)
        #expect(tokenizer.vocabularySize == 1000)
        #expect(tokenizer.bosID == 1 && tokenizer.eosID == 2 && tokenizer.unknownID == 0 && tokenizer.addsBOS)
        for (index, text) in texts.enumerated() {
            let ids = tokenizer.encode(text)
            #expect(ids == expected[index], "\(model): \(text.debugDescription)")
            #expect(ids == slow[index], "\(model) (transformers' slow tokenizer): \(text.debugDescription)")
            #expect(tokenizer.decode(expected[index]) == decoded[index], "\(model): decoding \(text.debugDescription)")
        }
        #expect(tokenizer.encodeSequence("ok").first == 1)
    }

    /// A hand-made model whose merged pieces share scores: the library merges the leftmost pair among equals, and
    /// splits a merged unused piece again.
    @Test func equalScoresMergeLeftmostFirst() throws {
        let tokenizer = try TokenizerLoader.sentencePieceModel(TestPaths.fixture("sentencepiece/bpe-ties/tokenizer.model"))
        let reference = try Self.cases("bpe-ties")
        let texts = try #require(reference["texts"]?.array).map { try #require($0.string) }
        let expected = try Self.ids(reference["sentencepiece"])
        let decoded = try #require(reference["sentencepiece_decode"]?.array).map { try #require($0.string) }
        for (index, text) in texts.enumerated() {
            #expect(tokenizer.encode(text) == expected[index], "\(text.debugDescription)")
            #expect(tokenizer.decode(expected[index]) == decoded[index], "decoding \(text.debugDescription)")
        }
    }

    @Test(arguments: bpeModels)
    func jsonFileMatchesTokenizers(model: String) throws {
        let path = TestPaths.fixture("sentencepiece/\(model)/tokenizer.json")
        let tokenizer = try TokenizerLoader.huggingFaceJSON(path)
        #expect(tokenizer is SentencePieceTokenizer)
        let reference = try Self.cases(model)
        let texts = try #require(reference["texts"]?.array).map { try #require($0.string) }
        let expected = try Self.ids(reference["fast"])
        let decoded = try #require(reference["fast_decode"]?.array).map { try #require($0.string) }
        for (index, text) in texts.enumerated() {
            #expect(tokenizer.encode(text) == expected[index], "\(model): \(text.debugDescription)")
            #expect(tokenizer.decode(expected[index]) == decoded[index], "\(model): decoding \(text.debugDescription)")
        }
    }

    /// The same vocabulary with the legacy normalizer (Prepend + Replace) and with a splitting Metaspace: the
    /// components make.py set, spliced into a copy of the tokenizer.json.
    @Test(arguments: bpeModels)
    func jsonVariantsMatchTokenizers(model: String) throws {
        let reference = try Self.cases(model)
        let texts = try #require(reference["texts"]?.array).map { try #require($0.string) }
        let source = try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("sentencepiece/\(model)/tokenizer.json")))
        let raw = try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("sentencepiece/\(model)/cases.json")))
        let variants = try #require((try JSONSerialization.jsonObject(with: raw) as? [String: Any])?["variants"] as? [String: Any])
        for variant in ["legacy", "split"] {
            var object = try #require(try JSONSerialization.jsonObject(with: source) as? [String: Any])
            let components = try #require(variants[variant] as? [String: Any])
            for (key, value) in components { object[key] = value }
            let directory = try TestPaths.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("tokenizer.json").path
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
            let tokenizer = try TokenizerLoader.huggingFaceJSON(path)
            let expected = try Self.ids(reference[variant])
            for (index, text) in texts.enumerated() {
                #expect(tokenizer.encode(text) == expected[index], "\(model) \(variant): \(text.debugDescription)")
            }
        }
    }

    /// A checkpoint directory: tokenizer.json wins over tokenizer.model; tokenizer_config.json's flags are read.
    @Test func checkpointDirectoryChoosesItsTokenizer() throws {
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = TestPaths.fixture("sentencepiece/bpe-llama")
        try FileManager.default.copyItem(atPath: fixture + "/tokenizer.model", toPath: directory.path + "/tokenizer.model")
        let reference = try Self.cases("bpe-llama")
        let text = "  two leading spaces"
        let index = try #require(reference["texts"]?.array?.firstIndex { $0.string == text })
        // The two files tokenize this text differently, which tells which one was read.
        let library = try Self.ids(reference["sentencepiece"])[index], fast = try Self.ids(reference["fast"])[index]
        #expect(library != fast)

        let fromModel = try #require(try TokenizerLoader.huggingFace(directory: directory.path))
        #expect(fromModel.encode(text) == library)
        #expect(fromModel.encodeSequence(text) == [1] + library)

        try FileManager.default.copyItem(atPath: fixture + "/tokenizer.json", toPath: directory.path + "/tokenizer.json")
        let config = #"{"add_bos_token": true, "add_eos_token": true, "bos_token": "<s>", "eos_token": {"content": "</s>"}, "unk_token": "<unk>"}"#
        try Data(config.utf8).write(to: directory.appendingPathComponent("tokenizer_config.json"))
        let fromJSON = try #require(try TokenizerLoader.huggingFace(directory: directory.path))
        #expect(fromJSON.encode(text) == fast)
        #expect(fromJSON.encodeSequence(text) == [1] + fast + [2])
        #expect(fromJSON.addsBOS && fromJSON.addsEOS)

        try FileManager.default.removeItem(atPath: directory.path + "/tokenizer.json")
        let configured = try #require(try TokenizerLoader.huggingFace(directory: directory.path))
        #expect(configured.encodeSequence(text) == [1] + library + [2])
        try Data(#"{"add_bos_token": false}"#.utf8).write(to: directory.appendingPathComponent("tokenizer_config.json"))
        #expect(try TokenizerLoader.load(directory.path).encodeSequence(text) == library)
    }

    @Test func piecesAndSettingsAreRead() throws {
        let file = try SentencePieceModelFile(path: TestPaths.fixture("sentencepiece/unigram-nfkc/tokenizer.model"))
        #expect(file.algorithm == .unigram)
        #expect(file.byteFallback)
        #expect(file.pieces.count == 1000)
        #expect(file.pieces[0] == .init(text: "<unk>", score: 0, type: .unknown))
        #expect(file.pieces[1].type == .control && file.pieces[2].type == .control)
        #expect(file.pieces[3] == .init(text: "<hr>", score: 0, type: .userDefined))
        #expect(file.pieces.filter { $0.type == .byte }.count == 256)
        #expect(file.normalizer.addDummyPrefix && file.normalizer.removeExtraWhitespaces)
        #expect(!file.normalizer.precompiledCharsmap.isEmpty)
        let llama = try SentencePieceModelFile(path: TestPaths.fixture("sentencepiece/bpe-noprefix/tokenizer.model"))
        #expect(llama.algorithm == .bpe && !llama.normalizer.addDummyPrefix && !llama.normalizer.removeExtraWhitespaces)
        #expect(llama.normalizer.precompiledCharsmap.isEmpty)
        #expect(llama.pieces.dropFirst(5).allSatisfy { $0.score <= 0 })
    }

    @Test func controlPiecesAreNeverProducedFromText() throws {
        let tokenizer = try SentencePieceTokenizer(sentencePieceModel: TestPaths.fixture("sentencepiece/bpe-llama/tokenizer.model"))
        let ids = tokenizer.encode("<s>x</s>")
        #expect(!ids.contains(1) && !ids.contains(2))
        #expect(tokenizer.encode("<hr>").last == tokenizer.id(of: "<hr>"))
    }

    @Test func errorsNameTheFile() throws {
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tokenizer.model").path
        try Data([0x0A, 0x03, 0x0A, 0x03, 0x61]).write(to: URL(fileURLWithPath: path))
        #expect(throws: TokenizerError.malformed(file: path, field: "byte offset 2", reason: "field 1 claims 3 bytes but 1 remain")) {
            try SentencePieceTokenizer(sentencePieceModel: path)
        }
        #expect(throws: TokenizerError.unreadable(file: directory.path + "/none.model", reason: "no such file or directory")) {
            try TokenizerLoader.load(directory.path + "/none.model")
        }
        // A tokenizer.json with a component this reader does not implement names its JSON path.
        let json = directory.appendingPathComponent("tokenizer.json").path
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath:
            TestPaths.fixture("sentencepiece/bpe-llama/tokenizer.json")))) as? [String: Any])
        object["normalizer"] = ["type": "Sequence", "normalizers": [["type": "NFKC"]]]
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: json))
        #expect(throws: TokenizerError.unsupported(file: json, field: "normalizer.normalizers[0].type", value: "NFKC",
                                                   supported: "Replace(\" \", \"▁\"), Prepend(\"▁\"), or a Sequence of them")) {
            try TokenizerLoader.huggingFaceJSON(json)
        }
        var model = try #require(object["model"] as? [String: Any])
        model["type"] = "Unigram"
        object["model"] = model
        object["normalizer"] = NSNull()
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: json))
        #expect(throws: TokenizerError.unsupported(file: json, field: "model.type", value: "Unigram", supported: "BPE")) {
            try TokenizerLoader.huggingFaceJSON(json)
        }
    }

    static func load(_ bytes: [UInt8]) -> Result<SentencePieceTokenizer, TokenizerError> {
        Result { () throws(TokenizerError) in try SentencePieceTokenizer(model: SentencePieceModelFile(bytes: bytes, path: "fuzz.model")) }
    }

    /// Truncated and bit-flipped model files are rejected with an error naming the file, or read as some other
    /// vocabulary; never a crash. Each tokenizer that loads still encodes and decodes.
    @Test func corruptedModelFilesNeverCrash() throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("sentencepiece/bpe-nfkc/tokenizer.model"))))
        var generator = FuzzGenerator(seed: 25)
        var rejected = 0, loaded = 0
        for trial in 0..<400 {
            var bytes = original
            if trial % 2 == 0 {
                bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count))))
            } else {
                for _ in 0..<(1 + Int(generator.next() % 4)) {
                    let index = Int(generator.next() % UInt64(bytes.count))
                    bytes[index] ^= UInt8(1 << (generator.next() % 8))
                }
            }
            switch Self.load(bytes) {
            case .success(let tokenizer):
                let ids = tokenizer.encode("Fuzzed ＴＥＸＴ 床前明月光 🦙  x")
                #expect(ids.allSatisfy { $0 >= 0 && $0 < tokenizer.vocabularySize })
                _ = tokenizer.decode(ids)
                loaded += 1
            case .failure(let error):
                #expect(error.description.contains("fuzz.model"))
                rejected += 1
            }
        }
        #expect(rejected > 150)
        #expect(loaded > 0)
    }
}

/// A small deterministic generator for the fuzz test (SplitMix64).
private struct FuzzGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
