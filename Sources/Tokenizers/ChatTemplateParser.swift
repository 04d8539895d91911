/// Reads the ChatML-family subset of Jinja that `ChatTemplate` supports into template nodes.
struct ChatTemplateParser {
    private enum Token {
        case text(String)
        case statement(String, offset: Int)
        case expression(String, offset: Int)
    }

    private var tokens: [Token] = []
    private var position = 0

    /// Blocks (`for`, `if`) nested deeper than this are refused. Parsing and rendering recurse once per level,
    /// so the limit is what keeps a crafted template (thousands of nested `if`s) from overflowing the stack;
    /// real chat templates nest three or four levels.
    static let maximumDepth = 100

    init(_ source: String) throws(TokenizerError) {
        tokens = try Self.tokenize(source)
    }

    /// Nodes up to (not including) a statement whose first word is in `terminators`, or to the end; `depth` is
    /// the number of blocks around them, and `inLoop` whether one of those is the loop over the messages.
    mutating func parseBody(until terminators: Set<String>, depth: Int = 0, inLoop: Bool = false) throws(TokenizerError) -> [ChatTemplateNode] {
        var nodes: [ChatTemplateNode] = []
        while position < tokens.count {
            switch tokens[position] {
            case .text(let text):
                position += 1
                if !text.isEmpty { nodes.append(.text(text)) }
            case .expression(let body, let offset):
                position += 1
                nodes.append(.output(try Self.parseConcatenation(body, offset: offset)))
            case .statement(let body, let offset):
                let keyword = body.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
                if terminators.contains(keyword) { return nodes }
                position += 1
                if keyword == "for" || keyword == "if", depth >= Self.maximumDepth {
                    throw .chatTemplate(reason: "the block opened at character \(offset) is nested \(depth + 1) deep; at most \(Self.maximumDepth) nested blocks are supported")
                }
                switch keyword {
                case "for":
                    guard body == "for message in messages" else {
                        throw Self.unsupported("loop `{% \(body) %}`", offset: offset)
                    }
                    // A loop inside the loop would render messages² times (and, nested again, without bound).
                    guard !inLoop else { throw Self.unsupported("loop over the messages inside the loop over the messages", offset: offset) }
                    let loopBody = try parseBody(until: ["endfor"], depth: depth + 1, inLoop: true)
                    try expectEnd("endfor", opened: offset)
                    nodes.append(.forEachMessage(loopBody))
                case "if":
                    let conditions = try Self.parseConditions(String(body.dropFirst(3)), offset: offset)
                    let then = try parseBody(until: ["else", "endif"], depth: depth + 1, inLoop: inLoop)
                    var otherwise: [ChatTemplateNode] = []
                    if case .statement("else", _) = tokens[safe: position] {
                        position += 1
                        otherwise = try parseBody(until: ["endif"], depth: depth + 1, inLoop: inLoop)
                    }
                    try expectEnd("endif", opened: offset)
                    nodes.append(.conditional(conditions, then: then, otherwise: otherwise))
                default:
                    throw Self.unsupported("statement `{% \(body) %}`", offset: offset)
                }
            }
        }
        if !terminators.isEmpty {
            throw .chatTemplate(reason: "the template ends before its `{% \(terminators.sorted().joined(separator: " / ")) %}`")
        }
        return nodes
    }

    private mutating func expectEnd(_ keyword: String, opened offset: Int) throws(TokenizerError) {
        guard case .statement(let body, _) = tokens[safe: position], body == keyword else {
            throw .chatTemplate(reason: "the block opened at character \(offset) has no `{% \(keyword) %}`")
        }
        position += 1
    }

    private static func unsupported(_ what: String, offset: Int) -> TokenizerError {
        .chatTemplate(reason: "unsupported \(what) at character \(offset); only ChatML-style templates "
            + "(a loop over messages concatenating role and content, `if` on loop.first / loop.last / "
            + "add_generation_prompt / roles) are supported")
    }

    /// `a and not b and ...` over the supported subjects.
    private static func parseConditions(_ text: String, offset: Int) throws(TokenizerError) -> [ChatTemplateCondition] {
        var conditions: [ChatTemplateCondition] = []
        for atom in text.components(separatedBy: " and ") {
            var atom = atom.trimmingWhitespace
            var negated = false
            if atom.hasPrefix("not ") {
                negated = true
                atom = String(atom.dropFirst(4)).trimmingWhitespace
            }
            // One spelling for the comparisons: no spaces, single quotes, subscript access.
            let compact = atom.filter { $0 != " " }.replacingAll("\"", with: "'")
                .replacingAll("messages[0].role", with: "messages[0]['role']")
                .replacingAll("message.role", with: "message['role']")
            switch compact {
            case "loop.first": conditions.append(.init(subject: .loopFirst, negated: negated))
            case "loop.last": conditions.append(.init(subject: .loopLast, negated: negated))
            case "add_generation_prompt": conditions.append(.init(subject: .addGenerationPrompt, negated: negated))
            default:
                var matched = false
                for (prefix, first) in [("messages[0]['role']", true), ("message['role']", false)] {
                    for (op, equal) in [("==", true), ("!=", false)] {
                        let head = prefix + op + "'"
                        guard compact.hasPrefix(head), compact.hasSuffix("'"), compact.count > head.count else { continue }
                        let role = String(compact.dropFirst(head.count).dropLast())
                        guard !role.contains("'") else { continue }
                        conditions.append(.init(
                            subject: first ? .firstMessageRole(equals: role) : .messageRole(equals: role),
                            negated: negated == equal))
                        matched = true
                    }
                }
                if !matched { throw unsupported("condition `\(atom)`", offset: offset) }
            }
        }
        return conditions
    }

    /// `'literal' + message['role'] + ...`.
    private static func parseConcatenation(_ text: String, offset: Int) throws(TokenizerError) -> [ChatTemplatePart] {
        var parts: [ChatTemplatePart] = []
        var characters = Substring(text)
        while true {
            characters = characters.drop { $0 == " " || $0 == "\n" || $0 == "\t" }
            guard let first = characters.first else { throw unsupported("empty term in `{{ \(text) }}`", offset: offset) }
            if first == "'" || first == "\"" {
                var literal = ""
                var index = characters.index(after: characters.startIndex)
                var closed = false
                while index < characters.endIndex {
                    let c = characters[index]
                    if c == first { closed = true; break }
                    if c == "\\" {
                        index = characters.index(after: index)
                        guard index < characters.endIndex else { break }
                        switch characters[index] {
                        case "n": literal.append("\n")
                        case "t": literal.append("\t")
                        case "r": literal.append("\r")
                        default: literal.append(characters[index])
                        }
                    } else {
                        literal.append(c)
                    }
                    index = characters.index(after: index)
                }
                guard closed else { throw .chatTemplate(reason: "unterminated string at character \(offset)") }
                parts.append(.literal(literal))
                characters = characters[characters.index(after: index)...]
            } else {
                let term = characters.prefix { $0 != "+" }
                characters = characters[term.endIndex...]
                let compact = term.filter { $0 != " " && $0 != "\n" && $0 != "\t" }.replacingAll("\"", with: "'")
                switch compact {
                case "message['role']", "message.role": parts.append(.role)
                case "message['content']", "message.content": parts.append(.content)
                default: throw unsupported("expression `\(term.trimmingWhitespace)`", offset: offset)
                }
            }
            characters = characters.drop { $0 == " " || $0 == "\n" || $0 == "\t" }
            if characters.isEmpty { return parts }
            guard characters.first == "+" else {
                throw unsupported("expression `{{ \(text) }}`", offset: offset)
            }
            characters = characters.dropFirst()
        }
    }

    /// Text, `{% %}` and `{{ }}` tags (comments dropped), with `-` whitespace control applied.
    private static func tokenize(_ source: String) throws(TokenizerError) -> [Token] {
        let chars = Array(source)
        var tokens: [Token] = []
        var text = ""
        var trimNextText = false
        var index = 0
        func flushText(trimTrailing: Bool) {
            var piece = text
            if trimNextText { piece = String(piece.drop { $0.isWhitespace }) }
            if trimTrailing { while piece.last?.isWhitespace == true { piece.removeLast() } }
            tokens.append(.text(piece))
            text = ""
        }
        while index < chars.count {
            guard chars[index] == "{", index + 1 < chars.count, "{%#".contains(chars[index + 1]) else {
                text.append(chars[index])
                index += 1
                continue
            }
            let open = chars[index + 1]
            let close: Character = open == "{" ? "}" : open
            let start = index
            var cursor = index + 2
            let trimBefore = cursor < chars.count && chars[cursor] == "-"
            if trimBefore { cursor += 1 }
            // Find the closing `}}` / `%}` / `#}`, skipping quoted strings that might contain it.
            var quote: Character?
            var end: Int?
            while cursor + 1 < chars.count {
                let c = chars[cursor]
                if let q = quote {
                    if c == "\\" { cursor += 2; continue }
                    if c == q { quote = nil }
                } else if open != "#" && (c == "'" || c == "\"") {
                    quote = c
                } else if c == close && chars[cursor + 1] == "}" {
                    end = cursor
                    break
                }
                cursor += 1
            }
            guard let end else { throw .chatTemplate(reason: "tag opened at character \(start) is never closed") }
            let trimAfter = end > start + 2 && chars[end - 1] == "-"
            let bodyStart = start + 2 + (trimBefore ? 1 : 0)
            let bodyEnd = trimAfter ? end - 1 : end
            let body = bodyStart < bodyEnd ? String(chars[bodyStart..<bodyEnd]) : ""
            flushText(trimTrailing: trimBefore)
            trimNextText = trimAfter
            switch open {
            case "%": tokens.append(.statement(body.collapsingWhitespace, offset: start))
            case "{": tokens.append(.expression(body, offset: start))
            default: break
            }
            index = end + 2
        }
        flushText(trimTrailing: false)
        return tokens
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}

extension StringProtocol {
    fileprivate var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    /// Runs of whitespace as one space, none at the ends (statement keywords are compared as text).
    fileprivate var collapsingWhitespace: String {
        split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
