import Foundation
import Testing
@testable import GGUF
@testable import Models
@testable import Tokenizers

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

    /// The markers a fallback template needs in a vocabulary, read from the template's text.
    @Test func turnMarkersAreTheBracketedTokensTheTemplateWrites() throws {
        #expect(ChatTemplate.gemma.turnMarkers == ["<start_of_turn>", "<end_of_turn>"])
        #expect(ChatTemplate.chatML.turnMarkers == ["<|im_start|>", "<|im_end|>"])
        // A comparison or text with spaces in brackets is no marker.
        let template = try ChatTemplate(jinja: "{% for message in messages %}{{ '<a b> <x>' + message['content'] + '<x>' }}{% endfor %}")
        #expect(template.turnMarkers == ["<x>"])
    }

    @Test(.enabled(if: GemmaTestPaths.available, GemmaTestPaths.skipReason))
    func theGemmaFileGetsTheTemplateAndStopsAtEndOfTurn() throws {
        let file = try GGUFFile(path: GemmaTestPaths.model)
        // The file has no template of its own: the vocabulary alone gives none, the family's turns fill in.
        #expect(try GGUFTokenizer.load(file).chatTemplate == nil)
        let tokenizer = try GGUFTokenizer.load(file, fallbackChatTemplate: try ModelFamily.of(file).chatTemplate)
        #expect(tokenizer.chatTemplate == .gemma)
        let endOfTurn = try #require(tokenizer.id(of: "<end_of_turn>"))
        #expect(try Gemma3GGUF.config(file).eosTokenIDs == [1, endOfTurn])
        let text = try tokenizer.renderChat([ChatMessage(role: "user", content: "Hi")], addGenerationPrompt: true)
        #expect(tokenizer.encode(text).filter { $0 == endOfTurn }.count == 1)
    }
}
