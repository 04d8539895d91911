/// A GitHub-flavoured Markdown table; pipes in cells are escaped so they cannot split a row, and HTML in them
/// (read from cell files: axis values, host names, exit reasons) is shown as text, not rendered.
public struct MarkdownTable: Sendable, Equatable {
    /// Column headers.
    public var header: [String]
    /// Rows of cells, each as long as the header.
    public var rows: [[String]]
    /// Columns aligned right (numbers).
    public var rightAligned: Set<Int>

    /// A table.
    public init(header: [String], rows: [[String]], rightAligned: Set<Int> = []) {
        self.header = header
        self.rows = rows
        self.rightAligned = rightAligned
    }

    /// The Markdown text, ending in a newline.
    public var markdown: String {
        func line(_ cells: [String]) -> String {
            "| " + cells.map { Self.inert($0).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }.joined(separator: " | ") + " |"
        }
        let rule = "|" + header.indices.map { rightAligned.contains($0) ? "---:|" : "---|" }.joined()
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    /// `text` with every `<` that could open an HTML tag, comment or declaration written `&lt;` (a `<` before a
    /// space or a digit, as in `< 0.001`, stays as it is).
    public static func inert(_ text: String) -> String {
        guard text.contains("<") else { return text }
        var out = ""
        let chars = Array(text)
        for (i, c) in chars.enumerated() {
            if c == "<", i + 1 < chars.count, chars[i + 1].isLetter || "/!?".contains(chars[i + 1]) {
                out += "&lt;"
            } else {
                out.append(c)
            }
        }
        return out
    }
}
