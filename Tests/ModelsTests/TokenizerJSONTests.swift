import Foundation
import Testing
@testable import GGUF
@testable import Tokenizers

@Suite("Tokenizer: Hugging Face tokenizer.json")
struct TokenizerJSONTests {
    /// A vocabulary small enough to tokenize by hand: the bytes a, b, c, 1, 2, space; merges a+b, ab+c,
    /// space+ab, 1+2; one special token.
    static func tinyTokenizerJSON(mergesAsPairs: Bool, splitDigits: Bool) -> [String: Any] {
        let merges: [Any] = mergesAsPairs
            ? [["a", "b"], ["ab", "c"], ["Ġ", "ab"], ["1", "2"]]
            : ["a b", "ab c", "Ġ ab", "1 2"]
        let byteLevel: [String: Any] = ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true]
        let preTokenizer: [String: Any] = splitDigits
            ? ["type": "Sequence", "pretokenizers": [["type": "Digits", "individual_digits": true], byteLevel]]
            : byteLevel
        return [
            "version": "1.0",
            "added_tokens": [["id": 10, "content": "<|x|>", "single_word": false, "lstrip": false, "rstrip": false,
                              "normalized": false, "special": true]],
            "normalizer": NSNull(),
            "pre_tokenizer": preTokenizer,
            "decoder": ["type": "ByteLevel"],
            "model": [
                "type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "byte_fallback": false,
                "vocab": ["a": 0, "b": 1, "c": 2, "Ġ": 3, "ab": 4, "abc": 5, "Ġab": 6, "1": 7, "2": 8, "12": 9, "<|x|>": 10],
                "merges": merges,
            ] as [String: Any],
        ]
    }

    static func write(_ object: Any, to directory: URL, name: String = "tokenizer.json") throws -> String {
        let url = directory.appendingPathComponent(name)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        return url.path
    }

    @Test(arguments: [false, true])
    func handComputedTokenization(mergesAsPairs: Bool) throws {
        let directory = try TokenizerFixtures.temporaryDirectory()
        let path = try Self.write(Self.tinyTokenizerJSON(mergesAsPairs: mergesAsPairs, splitDigits: true), to: directory)
        let tokenizer = try BPETokenizer(huggingFaceJSON: path)
        // "abc" -> a b c -> ab c -> abc; " ab" -> Ġ a b -> Ġ ab -> Ġab; the special; "c " -> c, Ġ; digits one by one.
        #expect(tokenizer.encode("abc ab<|x|>c 12") == [5, 6, 10, 2, 3, 7, 8])
        #expect(tokenizer.decode([5, 6, 10, 2, 3, 7, 8]) == "abc ab<|x|>c 12")
        #expect(tokenizer.vocabularySize == 11)
        #expect(tokenizer.id(of: "Ġab") == 6)
        #expect(tokenizer.bosID == nil && tokenizer.eosID == nil)
        #expect(throws: TokenizerError.chatTemplate(reason: "this tokenizer has no chat template")) {
            try tokenizer.renderChat([ChatMessage(role: "user", content: "a")], addGenerationPrompt: false)
        }
    }

    @Test func withoutDigitSplitDigitsMerge() throws {
        let directory = try TokenizerFixtures.temporaryDirectory()
        let path = try Self.write(Self.tinyTokenizerJSON(mergesAsPairs: false, splitDigits: false), to: directory)
        let tokenizer = try BPETokenizer(huggingFaceJSON: path)
        // " 12" is one word: Ġ 1 2 -> Ġ 12 (no merge joins Ġ and 12).
        #expect(tokenizer.encode("abc ab<|x|>c 12") == [5, 6, 10, 2, 3, 9])
    }

    @Test func loaderPicksTheFormat() throws {
        let directory = try TokenizerFixtures.temporaryDirectory()
        let path = try Self.write(Self.tinyTokenizerJSON(mergesAsPairs: false, splitDigits: true), to: directory)
        #expect(try TokenizerLoader.load(path).encode("abc") == [5])
        #expect(try TokenizerLoader.load(directory.path).encode("abc") == [5])
        #expect(throws: TokenizerError.self) { try TokenizerLoader.load(directory.appendingPathComponent("x.bin").path) }
        if FileManager.default.fileExists(atPath: TokenizerFixtures.modelPath) {
            #expect(try TokenizerLoader.load(TokenizerFixtures.modelPath).vocabularySize == 49152)
        }
    }

    @Test func configBesideGivesRolesAndChatTemplate() throws {
        let directory = try TokenizerFixtures.temporaryDirectory()
        let path = try Self.write(Self.tinyTokenizerJSON(mergesAsPairs: false, splitDigits: true), to: directory)
        _ = try Self.write([
            "bos_token": ["content": "<|x|>", "special": true],
            "eos_token": "<|x|>",
            "pad_token": NSNull(),
            "chat_template": "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
        ] as [String: Any], to: directory, name: "tokenizer_config.json")
        let tokenizer = try BPETokenizer(huggingFaceJSON: path)
        #expect(tokenizer.bosID == 10 && tokenizer.eosID == 10 && tokenizer.padID == nil)
        #expect(try tokenizer.renderChat([ChatMessage(role: "user", content: "abc")], addGenerationPrompt: true)
            == "<|im_start|>user\nabc<|im_end|>\n<|im_start|>assistant\n")
    }

    /// The SmolLM2 vocabulary written out as a tokenizer.json (as transformers' GGUF conversion would).
    @Test func jsonBuiltFromTheGGUFVocabularyGivesTheSameIDs() throws {
        let gguf = try TokenizerFixtures.requireSmolLM2()
        let file = try GGUFFile(path: TokenizerFixtures.modelPath)
        let tokens = try #require(file.metadata["tokenizer.ggml.tokens"]?.strings)
        let types = try #require(file.metadata["tokenizer.ggml.token_type"]?.ints)
        let merges = try #require(file.metadata["tokenizer.ggml.merges"]?.strings)
        var vocab: [String: Int] = [:]
        for (id, token) in tokens.enumerated() { vocab[token] = id }
        let added: [[String: Any]] = tokens.indices.filter { types[$0] == 3 }.map {
            ["id": $0, "content": tokens[$0], "single_word": false, "lstrip": false, "rstrip": false,
             "normalized": false, "special": true]
        }
        let json: [String: Any] = [
            "version": "1.0",
            "added_tokens": added,
            "normalizer": NSNull(),
            "pre_tokenizer": ["type": "Sequence", "pretokenizers": [
                ["type": "Digits", "individual_digits": true],
                ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true],
            ]] as [String: Any],
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true],
            // Pairs rather than "a b" strings, so both spellings of merges meet the real vocabulary.
            "model": ["type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "byte_fallback": false,
                      "vocab": vocab, "merges": merges.map { $0.split(separator: " ").map(String.init) }] as [String: Any],
        ]
        let directory = try TokenizerFixtures.temporaryDirectory()
        let fromJSON = try BPETokenizer(huggingFaceJSON: try Self.write(json, to: directory))
        #expect(fromJSON.vocabularySize == gguf.vocabularySize)
        var texts = try TokenizerFixtures.referenceTokens().map(\.text)
        texts.append("Streams of text: 1984, naïve café, 東京, 🙂🙃, it's   spaced\n\n\tout <|im_start|>system\nx<|im_end|>")
        for text in texts {
            #expect(fromJSON.encode(text) == gguf.encode(text), "\(text.debugDescription)")
        }
    }

    @Test func badFilesAreTypedErrorsNamingFileAndField() throws {
        let directory = try TokenizerFixtures.temporaryDirectory()
        let missing = directory.appendingPathComponent("nope.json").path
        #expect { try BPETokenizer(huggingFaceJSON: missing) } throws: { error in
            guard case .unreadable(let file, _) = error as? TokenizerError else { return false }
            return file == missing
        }

        let garbage = directory.appendingPathComponent("garbage.json")
        try Data("{\"model\": [".utf8).write(to: garbage)
        #expect { try BPETokenizer(huggingFaceJSON: garbage.path) } throws: { error in
            guard case .malformed(let file, let field, _) = error as? TokenizerError else { return false }
            return file == garbage.path && field == "(top level)"
        }

        func expectFailure(_ edit: (inout [String: Any]) -> Void, field expected: String, unsupported: Bool) throws {
            var json = Self.tinyTokenizerJSON(mergesAsPairs: false, splitDigits: true)
            edit(&json)
            let path = try Self.write(json, to: directory)
            #expect(performing: { try BPETokenizer(huggingFaceJSON: path) }, throws: { error in
                switch error as? TokenizerError {
                case .unsupported(let file, let field, _, _): return unsupported && file == path && field == expected
                case .malformed(let file, let field, _): return !unsupported && file == path && field == expected
                default: return false
                }
            })
        }
        func editModel(_ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
            { json in
                var model = json["model"] as! [String: Any]
                model[key] = value
                json["model"] = model
            }
        }
        try expectFailure(editModel("type", "WordPiece"), field: "model.type", unsupported: true)
        try expectFailure(editModel("byte_fallback", true), field: "model.byte_fallback", unsupported: true)
        try expectFailure(editModel("merges", ["a b", "a z"]), field: "model.merges[1]", unsupported: false)
        try expectFailure(editModel("merges", ["a b c"]), field: "model.merges[0]", unsupported: false)
        try expectFailure(editModel("vocab", ["a": "zero"]), field: "model.vocab[\"a\"]", unsupported: false)
        try expectFailure({ $0["model"] = nil }, field: "model", unsupported: false)
        try expectFailure(editModel("vocab", NSNull()), field: "model.vocab", unsupported: false)
        try expectFailure({ $0["pre_tokenizer"] = ["type": "Metaspace", "replacement": "▁"] },
                          field: "pre_tokenizer.type", unsupported: true)
        // NFC (Qwen's) is read; other normalizers are refused.
        try expectFailure({ $0["normalizer"] = ["type": "NFKC"] }, field: "normalizer.type", unsupported: true)
        try expectFailure({ $0["decoder"] = ["type": "WordPiece"] }, field: "decoder.type", unsupported: true)
        try expectFailure({ $0["added_tokens"] = [["id": 10, "content": "<|x|>", "lstrip": true]] },
                          field: "added_tokens[0].lstrip", unsupported: true)
        try expectFailure({ $0["added_tokens"] = [["content": "<|x|>"]] }, field: "added_tokens[0]", unsupported: false)
    }
}
