/// The YAML that corpus files are written in, parsed by hand: block mappings with plain keys, block
/// sequences (also nested as `- - a`), plain, single- and double-quoted scalars over one or more lines, and
/// literal block scalars (`|`, `|-`, `|+`). Anything else (flow collections, anchors, tags, folded scalars,
/// mappings inside sequences) is refused with its line, so that nothing is ever read approximately.
public enum DataYAML {
    /// A parsed node. Scalars stay strings: the corpus is text, and YAML 1.1's `yes`→true is not wanted.
    public indirect enum Node: Sendable, Equatable {
        case scalar(String)
        case sequence([Node])
        case mapping([(key: String, value: Node)])
        case null

        public static func == (a: Node, b: Node) -> Bool {
            switch (a, b) {
            case let (.scalar(x), .scalar(y)): x == y
            case let (.sequence(x), .sequence(y)): x == y
            case let (.mapping(x), .mapping(y)): x.map(\.key) == y.map(\.key) && x.map(\.value) == y.map(\.value)
            case (.null, .null): true
            default: false
            }
        }

        /// The value of `key` in a mapping.
        public subscript(key: String) -> Node? {
            if case .mapping(let pairs) = self { return pairs.first { $0.key == key }?.value }
            return nil
        }
    }

    /// Parses a whole document; `path` names the file in errors.
    public static func parse(_ text: String, path: String) throws(DataError) -> Node {
        var parser = Parser(path: path, text: text)
        parser.skipBlank()
        guard parser.index < parser.lines.count else { return .null }
        let node = try parser.node(parentIndent: -1)
        parser.skipBlank()
        if parser.index < parser.lines.count {
            throw parser.error(parser.index, "unexpected content at indentation \(parser.lines[parser.index].indent)")
        }
        return node
    }

    struct Line {
        var indent: Int
        var text: Substring  // after the indentation, without the line break
        let number: Int
    }

    struct Parser {
        let path: String
        var lines: [Line]
        var index = 0

        init(path: String, text: String) {
            self.path = path
            var lines: [Line] = []
            for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                var line = raw
                if line.last == "\r" { line = line.dropLast() }
                let indent = line.prefix { $0 == " " }.count
                lines.append(Line(indent: indent, text: line.dropFirst(indent), number: i + 1))
            }
            self.lines = lines
        }

        func error(_ at: Int, _ reason: String) -> DataError {
            .source(path: path, line: at < lines.count ? lines[at].number : lines.count, reason: "YAML: " + reason)
        }

        static func isBlank(_ line: Line) -> Bool { line.text.allSatisfy { $0 == " " || $0 == "\t" } || line.text.hasPrefix("#") }

        mutating func skipBlank() {
            while index < lines.count && Self.isBlank(lines[index]) { index += 1 }
        }

        /// The node starting at the current (non-blank) line, which is indented deeper than `parentIndent`.
        mutating func node(parentIndent: Int) throws(DataError) -> Node {
            let line = lines[index]
            if line.text == "-" || line.text.hasPrefix("- ") { return try sequence(indent: line.indent) }
            if Self.keyColon(line.text) != nil { return try mapping(indent: line.indent) }
            return try scalar(parentIndent: parentIndent)
        }

        /// Where `key:` ends in a plain mapping line (the colon's offset), or nil when the line is no mapping entry.
        static func keyColon(_ text: Substring) -> Substring.Index? {
            guard let first = text.first, !"-'\"|>[]{}&*!%@`#".contains(first) else { return nil }
            var i = text.startIndex
            while i < text.endIndex {
                if text[i] == ":" {
                    let next = text.index(after: i)
                    if next == text.endIndex || text[next] == " " { return i }
                }
                i = text.index(after: i)
            }
            return nil
        }

        mutating func sequence(indent: Int) throws(DataError) -> Node {
            var items: [Node] = []
            while true {
                skipBlank()
                guard index < lines.count, lines[index].indent == indent,
                      lines[index].text == "-" || lines[index].text.hasPrefix("- ") else { break }
                if lines[index].text == "-" {
                    index += 1
                    skipBlank()
                    if index < lines.count && lines[index].indent > indent {
                        items.append(try node(parentIndent: indent))
                    } else {
                        items.append(.null)
                    }
                    continue
                }
                // "- x" is read as x standing at the column after the dash, which makes "- - a" a nested sequence.
                let rest = lines[index].text.dropFirst(2)
                let extra = rest.prefix { $0 == " " }.count
                lines[index].indent = indent + 2 + extra
                lines[index].text = rest.dropFirst(extra)
                if lines[index].text.hasPrefix("- ") || lines[index].text == "-" {
                    items.append(try sequence(indent: lines[index].indent))
                } else {
                    if Self.keyColon(lines[index].text) != nil {
                        throw error(index, "mappings inside sequences are not supported")
                    }
                    items.append(try scalar(parentIndent: indent))
                }
            }
            return .sequence(items)
        }

        mutating func mapping(indent: Int) throws(DataError) -> Node {
            var pairs: [(key: String, value: Node)] = []
            while true {
                skipBlank()
                guard index < lines.count, lines[index].indent == indent else { break }
                let text = lines[index].text
                guard let colon = Self.keyColon(text) else { throw error(index, "expected `key:` in a mapping") }
                let key = String(text[..<colon]).trimmingSpaces
                let value = text[text.index(after: colon)...].drop { $0 == " " }
                if pairs.contains(where: { $0.key == key }) { throw error(index, "duplicate key \(key)") }
                if value.isEmpty || value.hasPrefix("#") {
                    index += 1
                    skipBlank()
                    if index < lines.count && (lines[index].indent > indent
                        || (lines[index].indent == indent && (lines[index].text.hasPrefix("- ") || lines[index].text == "-"))) {
                        pairs.append((key, try node(parentIndent: indent)))
                    } else {
                        pairs.append((key, .null))
                    }
                } else {
                    lines[index].indent += text.distance(from: text.startIndex, to: value.startIndex)
                    lines[index].text = value
                    pairs.append((key, try scalar(parentIndent: indent)))
                }
            }
            return .mapping(pairs)
        }

        /// A scalar starting on the current line; continuation lines must be indented deeper than `parentIndent`.
        mutating func scalar(parentIndent: Int) throws(DataError) -> Node {
            let text = lines[index].text
            guard let first = text.first else { index += 1; return .null }
            switch first {
            case "|": return try literal(header: text.dropFirst(), parentIndent: parentIndent)
            case ">": throw error(index, "folded block scalars (>) are not supported")
            case "'", "\"": return .scalar(try quoted(parentIndent: parentIndent, double: first == "\""))
            case "[", "{", "&", "*", "!", "%", "@", "`":
                throw error(index, "`\(first)` (flow collections, anchors, aliases, tags, directives) is not supported")
            default: return .scalar(plain(parentIndent: parentIndent))
            }
        }

        /// A plain scalar: lines folded with spaces, blank lines kept as line breaks, ` #` comments dropped.
        mutating func plain(parentIndent: Int) -> String {
            var result = Self.stripComment(lines[index].text).trimmingSpaces
            index += 1
            var breaks = 0
            while index < lines.count {
                let line = lines[index]
                if line.text.allSatisfy({ $0 == " " || $0 == "\t" }) { breaks += 1; index += 1; continue }
                guard line.indent > parentIndent, !line.text.hasPrefix("#") else { break }
                if breaks > 0 { result += String(repeating: "\n", count: breaks) } else { result += " " }
                breaks = 0
                result += Self.stripComment(line.text).trimmingSpaces
                index += 1
            }
            // Blank lines after the scalar belong to nobody: step back so the caller sees them as blank.
            index -= breaks
            return result
        }

        static func stripComment(_ text: Substring) -> Substring {
            if let range = text.range(of: " #") { return text[..<range.lowerBound] }
            return text
        }

        /// A single- or double-quoted scalar, possibly over several lines (folded as plain scalars are).
        mutating func quoted(parentIndent: Int, double: Bool) throws(DataError) -> String {
            let start = index
            var out = ""
            var chars = Array(lines[index].text.dropFirst())
            var i = 0
            var pendingBreaks = 0
            while true {
                if i >= chars.count {
                    // End of line inside the quotes: fold into the next line.
                    while out.last == " " || out.last == "\t" { out.removeLast() }
                    index += 1
                    guard index < lines.count else { throw error(start, "unterminated quoted scalar") }
                    let next = lines[index]
                    if next.text.allSatisfy({ $0 == " " || $0 == "\t" }) { pendingBreaks += 1; chars = []; i = 0; continue }
                    out += pendingBreaks > 0 ? String(repeating: "\n", count: pendingBreaks) : " "
                    pendingBreaks = 0
                    chars = Array(next.text.drop { $0 == " " || $0 == "\t" })
                    i = 0
                    continue
                }
                let c = chars[i]
                if !double && c == "'" {
                    if i + 1 < chars.count && chars[i + 1] == "'" { out.append("'"); i += 2; continue }
                    i += 1
                    break
                }
                if double && c == "\"" { i += 1; break }
                if double && c == "\\" {
                    guard i + 1 < chars.count else {
                        // An escaped line break joins the lines with nothing between them.
                        index += 1
                        guard index < lines.count else { throw error(start, "unterminated quoted scalar") }
                        chars = Array(lines[index].text.drop { $0 == " " || $0 == "\t" })
                        i = 0
                        continue
                    }
                    let e = chars[i + 1]
                    i += 2
                    switch e {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "r": out.append("\r")
                    case "0": out.append("\0")
                    case "\"", "\\", "/", " ": out.append(e)
                    case "x", "u", "U":
                        let width = e == "x" ? 2 : e == "u" ? 4 : 8
                        guard i + width <= chars.count, let value = UInt32(String(chars[i..<i + width]), radix: 16),
                              let scalar = Unicode.Scalar(value) else { throw error(index, "bad \\\(e) escape") }
                        out.unicodeScalars.append(scalar)
                        i += width
                    default: throw error(index, "unknown escape \\\(e)")
                    }
                    continue
                }
                out.append(c)
                i += 1
            }
            let rest = String(chars[i...]).trimmingSpaces
            guard rest.isEmpty || rest.hasPrefix("#") else { throw error(index, "text after a closing quote") }
            index += 1
            return out
        }

        /// A literal block scalar: lines kept as they are, less the block's indentation; chomping per the header.
        mutating func literal(header: Substring, parentIndent: Int) throws(DataError) -> Node {
            let headerLine = index
            var chomp: Character = " "
            var explicitIndent: Int? = nil
            for c in Self.stripComment(header).trimmingSpaces {
                if c == "-" || c == "+" { chomp = c } else if let d = c.wholeNumberValue, d > 0 { explicitIndent = d } else {
                    throw error(headerLine, "bad block scalar header |\(header)")
                }
            }
            index += 1
            var blockIndent = explicitIndent.map { max(parentIndent, 0) + $0 }
            var content: [String] = []
            while index < lines.count {
                let line = lines[index]
                let blank = line.text.allSatisfy { $0 == " " || $0 == "\t" }
                if blank {
                    content.append(line.indent > (blockIndent ?? Int.max) ? String(repeating: " ", count: line.indent - blockIndent!) : "")
                    index += 1
                    continue
                }
                if blockIndent == nil {
                    guard line.indent > parentIndent else { break }
                    blockIndent = line.indent
                }
                guard line.indent >= blockIndent! else { break }
                content.append(String(repeating: " ", count: line.indent - blockIndent!) + line.text)
                index += 1
            }
            // Trailing blank lines are the chomping indicator's to keep or drop.
            var trailing = 0
            while let last = content.last, last.allSatisfy({ $0 == " " }) { content.removeLast(); trailing += 1 }
            var text = content.joined(separator: "\n")
            switch chomp {
            case "-": break
            case "+": text += String(repeating: "\n", count: (content.isEmpty ? 0 : 1) + trailing)
            default: if !content.isEmpty { text += "\n" }
            }
            return .scalar(text)
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let scalars = Array(self)
        var start = 0, end = scalars.count
        while start < end && (scalars[start] == " " || scalars[start] == "\t") { start += 1 }
        while end > start && (scalars[end - 1] == " " || scalars[end - 1] == "\t") { end -= 1 }
        return String(scalars[start..<end])
    }
}
