import Foundation
import Testing
@testable import Llama

/// Gemma's turn format, written out by hand.
struct ChatTemplateGemmaTests {
    @Test func turnsAndGenerationPrompt() {
        let messages = [ChatMessage(role: "user", content: "Hi"), ChatMessage(role: "assistant", content: "Hello!"),
                        ChatMessage(role: "user", content: "2+2?")]
        #expect(ChatTemplate.gemma.render(messages, addGenerationPrompt: true)
            == "<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n<start_of_turn>user\n2+2?<end_of_turn>\n<start_of_turn>model\n")
        #expect(ChatTemplate.gemma.render(Array(messages.prefix(2)), addGenerationPrompt: false)
            == "<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n")
        #expect(ChatTemplate.gemma.render([ChatMessage(role: "system", content: "Be brief.")], addGenerationPrompt: false)
            == "<start_of_turn>user\nBe brief.<end_of_turn>\n")
    }

    @Test(.enabled(if: GemmaTestPaths.available, GemmaTestPaths.skipReason))
    func theGemmaFileGetsTheTemplateAndStopsAtEndOfTurn() throws {
        let file = try GGUFFile(path: GemmaTestPaths.model)
        let tokenizer = try GGUFTokenizer.load(file)
        #expect(tokenizer.chatTemplate == .gemma)
        let endOfTurn = try #require(tokenizer.id(of: "<end_of_turn>"))
        #expect(try Gemma3GGUF.config(file).eosTokenIDs == [1, endOfTurn])
        let text = try tokenizer.renderChat([ChatMessage(role: "user", content: "Hi")], addGenerationPrompt: true)
        #expect(tokenizer.encode(text).filter { $0 == endOfTurn }.count == 1)
    }
}
