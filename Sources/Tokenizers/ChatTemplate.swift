/// A chat template of the ChatML family, read from the Jinja source a model ships
/// (`tokenizer.chat_template` in GGUF, `chat_template` in `tokenizer_config.json`).
///
/// This is not a Jinja engine. It understands the handful of constructs that ChatML-style templates
/// (SmolLM2's among them) are written with — a loop over the messages, string concatenation of
/// `message['role']` and `message['content']`, and `if` on `loop.first`, `loop.last`,
/// `add_generation_prompt` and role comparisons — and refuses anything else with the construct named, so a
/// template it cannot reproduce exactly is never rendered approximately.
public struct ChatTemplate: Sendable, Hashable {
    /// The Jinja source this template was read from.
    public let source: String
    private let nodes: [ChatTemplateNode]

    /// Reads `source`; throws `TokenizerError.chatTemplate` naming the first unsupported construct.
    public init(jinja source: String) throws(TokenizerError) {
        var parser = try ChatTemplateParser(source)
        self.nodes = try parser.parseBody(until: [])
        self.source = source
    }

    /// The special-token-like markers the template writes (`<|im_start|>`, `<start_of_turn>`): text in angle
    /// brackets without spaces or quotes, in order of first appearance. A vocabulary without them cannot render
    /// the template's turns as single tokens.
    public var turnMarkers: [String] {
        var seen: [String] = []
        var index = source.startIndex
        while let open = source[index...].firstIndex(of: "<") {
            let rest = source[source.index(after: open)...]
            guard let close = rest.firstIndex(where: { $0 == ">" || $0 == "<" || $0 == " " || $0 == "'" || $0 == "\"" || $0 == "\n" }),
                  source[close] == ">", close > rest.startIndex else {
                index = source.index(after: open)
                continue
            }
            let marker = String(source[open...close])
            if !seen.contains(marker) { seen.append(marker) }
            index = source.index(after: close)
        }
        return seen
    }

    /// Plain ChatML, with no default system message.
    public static let chatML: ChatTemplate = {
        // The literal is known to parse; a failure here is a bug in this file, not bad input.
        try! ChatTemplate(jinja: """
            {% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}
            """)
    }()

    /// The text of `messages`, followed by the assistant's turn header when `addGenerationPrompt` is set.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        var output = ""
        let context = ChatTemplateContext(messages: messages, addGenerationPrompt: addGenerationPrompt)
        Self.render(nodes, context: context, message: nil, index: nil, into: &output)
        return output
    }

    private static func render(
        _ nodes: [ChatTemplateNode], context: ChatTemplateContext, message: ChatMessage?, index: Int?,
        into output: inout String
    ) {
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .output(let parts):
                for part in parts {
                    switch part {
                    case .literal(let text): output += text
                    case .role: output += message?.role ?? ""
                    case .content: output += message?.content ?? ""
                    }
                }
            case .forEachMessage(let body):
                for (i, each) in context.messages.enumerated() {
                    render(body, context: context, message: each, index: i, into: &output)
                }
            case .conditional(let condition, let then, let otherwise):
                let holds = condition.allSatisfy { $0.holds(context: context, message: message, index: index) }
                render(holds ? then : otherwise, context: context, message: message, index: index, into: &output)
            }
        }
    }
}

/// What a template's conditions can look at.
struct ChatTemplateContext {
    let messages: [ChatMessage]
    let addGenerationPrompt: Bool
}

/// One piece of a parsed template.
enum ChatTemplateNode: Sendable, Hashable {
    case text(String)
    case output([ChatTemplatePart])
    case forEachMessage([ChatTemplateNode])
    /// The conditions are joined by `and`.
    case conditional([ChatTemplateCondition], then: [ChatTemplateNode], otherwise: [ChatTemplateNode])
}

/// A term of a `{{ ... }}` concatenation.
enum ChatTemplatePart: Sendable, Hashable {
    case literal(String)
    case role
    case content
}

/// One condition of an `if`, possibly negated.
struct ChatTemplateCondition: Sendable, Hashable {
    enum Subject: Sendable, Hashable {
        case loopFirst, loopLast, addGenerationPrompt
        case firstMessageRole(equals: String)
        case messageRole(equals: String)
    }

    var subject: Subject
    var negated: Bool

    func holds(context: ChatTemplateContext, message: ChatMessage?, index: Int?) -> Bool {
        let value: Bool
        switch subject {
        case .loopFirst: value = index == 0
        case .loopLast: value = index.map { $0 == context.messages.count - 1 } ?? false
        case .addGenerationPrompt: value = context.addGenerationPrompt
        case .firstMessageRole(let role): value = context.messages.first?.role == role
        case .messageRole(let role): value = message?.role == role
        }
        return value != negated
    }
}
