import Testing
@testable import Tokenizers

@Suite("Tokenizer: ChatML-style chat templates")
struct TokenizerChatTemplateTests {
    let conversation = [ChatMessage(role: "user", content: "Hi"), ChatMessage(role: "assistant", content: "Hello")]

    @Test func whitespaceControlQuotesAndElse() throws {
        let template = try ChatTemplate(jinja: """
            {%- for message in messages -%}
                {%- if loop.first and messages[0].role != "system" -%}
                    {{- "<|im_start|>system\\nDefault<|im_end|>\\n" -}}
                {%- endif -%}
                {{- "<|im_start|>" + message.role + "\\n" + message.content + "<|im_end|>\\n" -}}
            {%- endfor -%}
            {%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- else -%}{{- '' -}}{%- endif -%}
            """)
        #expect(template.render(conversation, addGenerationPrompt: true)
            == "<|im_start|>system\nDefault<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n<|im_start|>assistant\n")
        #expect(template.render([ChatMessage(role: "system", content: "S")], addGenerationPrompt: false)
            == "<|im_start|>system\nS<|im_end|>\n")
    }

    @Test func textBetweenTagsAndRoleConditions() throws {
        let template = try ChatTemplate(jinja: "{# comment #}{% for message in messages %}{% if message['role'] == 'user' %}Q: {% else %}A: {% endif %}{{ message['content'] }}\n{% if not loop.last %}--\n{% endif %}{% endfor %}")
        #expect(template.render(conversation, addGenerationPrompt: true) == "Q: Hi\n--\nA: Hello\n")
    }

    @Test(arguments: [
        "{{ bos_token }}{% for message in messages %}{{ message['content'] }}{% endfor %}",
        "{% for message in messages %}{{ message['content'] | trim }}{% endfor %}",
        "{% for message in messages %}{% if message['role'] == 'system' and tools %}x{% endif %}{% endfor %}",
        "{% set x = 1 %}",
        "{% for message in messages %}{{ message['content'] }}",
        "{% for message in messages %}{{ 'unterminated }}{% endfor %}",
        "{% for m in messages %}{% endfor %}",
        "{{ raise_exception('no') }}",
    ])
    func unsupportedTemplatesFailClearly(source: String) {
        #expect(throws: TokenizerError.self) { try ChatTemplate(jinja: source) }
    }

    @Test func unsupportedTemplateInAFileStillLoadsTheVocabulary() throws {
        var tokenizer = try TokenizerFixtures.requireSmolLM2()
        tokenizer.setChatTemplate(source: "{{ bos_token }}")
        #expect(tokenizer.chatTemplate == nil)
        #expect(tokenizer.encode("Hello, world!") == [19556, 28, 905, 17])
        #expect { try tokenizer.renderChat(conversation, addGenerationPrompt: true) } throws: { error in
            "\(error)".contains("unsupported expression `bos_token`")
        }
    }
}

/// Templates that would recurse without bound (nested blocks) or render without bound (nested loops).
@Suite("Tokenizer: chat templates that would exhaust the stack")
struct ChatTemplateDepthTests {
    static func nestedIfs(_ depth: Int) -> String {
        String(repeating: "{% if add_generation_prompt %}", count: depth) + "x" + String(repeating: "{% endif %}", count: depth)
    }

    /// 20,000 nested `if`s overflowed the stack while parsing (a segmentation fault in every command loading the model).
    @Test func nestingPastTheLimitIsAnErrorNamingTheDepth() {
        for depth in [ChatTemplateParser.maximumDepth + 1, 20_000] {
            #expect(throws: TokenizerError.chatTemplate(
                reason: "the block opened at character \("{% if add_generation_prompt %}".count * ChatTemplateParser.maximumDepth) is nested 101 deep; at most 100 nested blocks are supported")) {
                try ChatTemplate(jinja: Self.nestedIfs(depth))
            }
        }
    }

    @Test func nestingUpToTheLimitParsesAndRenders() throws {
        let template = try ChatTemplate(jinja: Self.nestedIfs(ChatTemplateParser.maximumDepth))
        #expect(template.render([], addGenerationPrompt: true) == "x")
        #expect(template.render([], addGenerationPrompt: false) == "")
    }

    /// A loop over the messages inside another would render messages² times, and nested again, without bound.
    @Test func aLoopInsideTheLoopIsRefused() {
        let source = "{% for message in messages %}{% if loop.first %}{% for message in messages %}x{% endfor %}{% endif %}{% endfor %}"
        #expect { try ChatTemplate(jinja: source) } throws: { error in
            guard case .chatTemplate(let reason)? = error as? TokenizerError else { return false }
            return reason.contains("loop over the messages inside the loop over the messages")
        }
    }
}
