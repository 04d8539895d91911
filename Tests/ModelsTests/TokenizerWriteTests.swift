import Foundation
import Testing
@testable import Tokenizers

/// A merged or fully fine-tuned checkpoint carries its tokenizer: the files written from SmolLM2's GGUF
/// vocabulary read back to a tokenizer that gives transformers' ids, the same roles and the same chat template.
@Suite("Tokenizer: written as tokenizer.json and read back")
struct TokenizerWriteTests {
    @Test func ggufTokenizerWrittenAsHuggingFaceFilesReadsBackTheSame() throws {
        let original = try TokenizerFixtures.requireSmolLM2()
        let directory = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try original.writeHuggingFaceFiles(to: directory.path)
        let read = try #require(try TokenizerLoader.load(directory.path) as? BPETokenizer)
        #expect(read.vocabularySize == original.vocabularySize)
        #expect(read.bosID == original.bosID && read.eosID == original.eosID && read.padID == original.padID)
        #expect(read.addedTokens.map(\.id) == original.addedTokens.map(\.id))
        #expect(read.preTokenizer == original.preTokenizer)
        // transformers' ids for the reference strings, and more text of every kind.
        for (text, ids) in try TokenizerFixtures.referenceTokens() {
            #expect(read.encode(text) == ids, "\(text.debugDescription)")
        }
        for text in ["床前明月光，疑是地上霜。", "emoji 🦙🦙 and 12345 digits", "  spaces\t\tand\nnewlines  ", "<|im_start|>user\nhi<|im_end|>"] {
            #expect(read.encode(text) == original.encode(text), "\(text.debugDescription)")
            #expect(read.decode(read.encode(text)) == text)
        }
        let chat = [ChatMessage(role: "user", content: "hello"), ChatMessage(role: "assistant", content: "hi there")]
        #expect(try read.renderChat(chat, addGenerationPrompt: true) == original.renderChat(chat, addGenerationPrompt: true))
    }
}
