import Support
import Foundation
import Testing
import Tensors
@testable import Tokenizers

/// Where the tokenizer tests find the model and the reference data, and the shared loaded tokenizer.
enum TokenizerFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let modelPath = packageRoot.appendingPathComponent(".cache/models/smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf").path
    static let referenceDirectory = packageRoot.appendingPathComponent("Tests/Fixtures/smollm2")

    /// The SmolLM2 vocabulary read from the GGUF file, loaded once for all tests.
    static let smolLM2: Result<BPETokenizer, TokenizerError> = {
        guard FileManager.default.fileExists(atPath: modelPath) else {
            return .failure(.unreadable(file: modelPath, reason: "the SmolLM2 model is missing: run scripts/setup to fetch it"))
        }
        return Result { () throws(TokenizerError) in try BPETokenizer(ggufPath: modelPath) }
    }()

    /// The tokenizer, or a test failure that says how to get the model.
    static func requireSmolLM2() throws -> BPETokenizer {
        switch smolLM2 {
        case .success(let tokenizer): return tokenizer
        case .failure(let error):
            Issue.record("\(error)")
            throw error
        }
    }

    /// `reference.json`: transformers' token ids for eight strings, two prompts and their continuations.
    static func reference() throws -> JSONValue {
        try JSONValue.parse(Data(contentsOf: referenceDirectory.appendingPathComponent("reference.json")))
    }

    /// The reference strings and their ids.
    static func referenceTokens() throws -> [(text: String, ids: [Int])] {
        let tokens = try #require(try reference()["tokens"]?.object)
        return try tokens.sorted { $0.key < $1.key }.map { key, value in
            (key, try #require(value.array?.compactMap { $0.int }))
        }
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-tokenizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

@Suite("Tokenizer: SmolLM2 vocabulary from GGUF against transformers")
struct TokenizerSmolLM2Tests {
    @Test func metadata() throws {
        let tokenizer = try TokenizerFixtures.requireSmolLM2()
        #expect(tokenizer.vocabularySize == 49152)
        #expect(tokenizer.bosID == 1)
        #expect(tokenizer.eosID == 2)
        #expect(tokenizer.padID == 2)
        #expect(tokenizer.id(of: "<|im_start|>") == 1)
        #expect(tokenizer.id(of: "<|im_end|>") == 2)
        #expect(tokenizer.id(of: "Ġthe") != nil)
        #expect(tokenizer.preTokenizer == .smolLM)
        #expect(tokenizer.addedTokens.count == 17)
    }

    @Test func referenceIDsAndRoundTrip() throws {
        let tokenizer = try TokenizerFixtures.requireSmolLM2()
        let cases = try TokenizerFixtures.referenceTokens()
        #expect(cases.count == 8)
        for (text, ids) in cases {
            #expect(tokenizer.encode(text) == ids, "\(text.debugDescription)")
            #expect(tokenizer.decode(ids) == text)
        }
    }

    @Test func promptsMatchTheLogitsInputs() throws {
        let tokenizer = try TokenizerFixtures.requireSmolLM2()
        let reference = try TokenizerFixtures.reference()
        let logits = try SafeTensorsFile(path: TokenizerFixtures.referenceDirectory.appendingPathComponent("logits.safetensors").path)
        for name in ["capital", "story"] {
            let prompt = try #require(reference["prompts"]?[name]?.string)
            #expect(tokenizer.encode(prompt) == (try logits.integers("\(name)_input_ids")), "\(name)")
            let greedy = try #require(reference["greedy"]?[name])
            let ids = try #require(greedy["ids"]?.array?.compactMap { $0.int })
            #expect(tokenizer.decode(ids) == greedy["text"]?.string)
        }
    }

    @Test func chatTemplateRendersSmolLM2sChatML() throws {
        let tokenizer = try TokenizerFixtures.requireSmolLM2()
        let capital = try #require(try TokenizerFixtures.reference()["prompts"]?["capital"]?.string)
        let defaultSystem = "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
        let question = [ChatMessage(role: "user", content: "What is the capital of France?")]

        // SmolLM2's template adds its default system turn; the reference prompt was written without one.
        let rendered = try tokenizer.renderChat(question, addGenerationPrompt: true)
        #expect(rendered == defaultSystem + capital)
        #expect(ChatTemplate.chatML.render(question, addGenerationPrompt: true) == capital)
        #expect(try tokenizer.renderChat(question, addGenerationPrompt: false)
            == defaultSystem + "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n")

        let conversation = [
            ChatMessage(role: "system", content: "Be brief."),
            ChatMessage(role: "user", content: "Hi"),
            ChatMessage(role: "assistant", content: "Hello!"),
        ]
        #expect(try tokenizer.renderChat(conversation, addGenerationPrompt: false)
            == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n")
        #expect(try tokenizer.renderChat([], addGenerationPrompt: true) == "<|im_start|>assistant\n")
        #expect(tokenizer.chatTemplate?.source.contains("named SmolLM") == true)
    }

    @Test(arguments: ["床前明月光，疑是地上霜。", "Emoji 🙂 and ünïcödé", "👩‍👩‍👧 家族 🇫🇷 ok"])
    func streamingDecodeNeverBreaksACharacter(text: String) throws {
        let tokenizer = try TokenizerFixtures.requireSmolLM2()
        let ids = tokenizer.encode(text)
        var decoder = tokenizer.makeStreamingDecoder()
        var pieces: [String] = []
        for id in ids { pieces.append(decoder.append(id)) }
        pieces.append(decoder.finish())
        #expect(pieces.joined() == text)
        for piece in pieces { #expect(!piece.contains("\u{FFFD}"), "\(pieces)") }
        // Byte-level BPE splits these characters across ids, so something must have been held back.
        #expect(pieces.contains(""))
    }

    @Test func longMixedTextRoundTrips() throws {
        let tokenizer = try TokenizerFixtures.requireSmolLM2()
        let text = """
            It's 2024-11-25 — we'll test 3.14159 & "quotes",   spaces\t\ttabs\r\n\nnewlines; Ünïcödé, 中文字符, \
            русский текст, العربية, 🙂👍🏽, <|im_start|>assistant\n<|im_end|><|endoftext|> x<file_sep>y \u{00A0}nbsp
            """
        let ids = tokenizer.encode(text)
        #expect(tokenizer.decode(ids) == text)
        #expect(ids.contains(1) && ids.contains(2) && ids.contains(0) && ids.contains(5))
        #expect(ids.allSatisfy { $0 >= 0 && $0 < tokenizer.vocabularySize })
        // Digits are single tokens in SmolLM2.
        #expect(tokenizer.encode("2024") == tokenizer.encode("2") + tokenizer.encode("0") + tokenizer.encode("2") + tokenizer.encode("4"))
    }
}
