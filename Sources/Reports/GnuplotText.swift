import Foundation
import Support

/// Spelling values for gnuplot scripts and tab-separated data files.
enum GnuplotText {
    /// A single-quoted gnuplot string (no escapes and no back-quoted commands are processed inside; a quote is
    /// doubled; control characters, which would end the line, become spaces).
    static func quoted(_ text: String) -> String {
        "'" + printable(text).replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// `text` with every control character (newline, carriage return, tab, ...) as a space: a script line read
    /// from cell files must stay one line.
    static func printable(_ text: String) -> String {
        text.replacingControlCharacters(with: " ")
    }

    /// Text for a `#` comment line of a script or data file: one line that no trailing backslash continues
    /// into the next one (gnuplot joins a line ending in `\\` with the next, comments included).
    static func comment(_ text: String) -> String {
        printable(text).replacingOccurrences(of: "\\", with: "/")
    }

    /// A number for a data file: every digit Swift needs to read it back exactly; NaN as gnuplot's `NaN`.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Inf" : "-Inf" }
        return "\(value)"
    }

    /// A text field for a tab-separated data file (tabs and newlines would split it).
    static func field(_ text: String) -> String {
        printable(text)
    }

    /// A file stem from arbitrary text: letters, digits, dots and dashes.
    static func fileStem(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
        return String(text.map { allowed.contains($0) ? $0 : "-" })
    }

    /// A double-quoted gnuplot string, in which `\n` breaks the line (for tic labels of several lines).
    ///
    /// gnuplot runs back-quoted text as a shell command before it parses a line, even inside double quotes,
    /// unless the back-quote is escaped: text read from cell files (axis values, names) must never reach it bare.
    static func doubleQuoted(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            printable(String(line)).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "`", with: "\\`")
        }
        return "\"" + lines.joined(separator: "\\n") + "\""
    }

    /// A chart title as a double-quoted string, broken between words into lines of at most `width` characters
    /// (88 fit a 960-pixel chart: about one character per 11 pixels)
    /// (a title longer than the chart is cut off at its edges, not shrunk).
    static func title(_ text: String, width: Int = 88) -> String {
        var lines: [String] = [], line = ""
        for word in text.replacingOccurrences(of: "\n", with: " ").split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return doubleQuoted(lines.joined(separator: "\n"))
    }

    /// `set xtics ("a" 0, "b" 1, ...)`-style tic list for categorical positions; newlines in labels break lines.
    static func tics(_ labels: [String]) -> String {
        "(" + labels.enumerated().map { "\(doubleQuoted($1)) \($0)" }.joined(separator: ", ") + ")"
    }

    /// Colour-blind-safe colours (Okabe and Ito's set, black last), cycled for more categories.
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
}
