/// JSON strings spelled by hand, so that the bytes depend on nothing but the text: the canonical configuration
/// (what cell ids hash) and the prepared dataset files (what input hashes hash) both write through here.
public enum JSONStringWriter {
    /// How control and separator characters are spelled; each style's bytes are fixed for good, since hashes of
    /// what was written with it are stored.
    public enum Style: Sendable {
        /// RFC 8785's: the two-character escapes for \b \t \n \f \r, `\u00XX` for other characters below
        /// U+0020, everything else as it is.
        case canonical
        /// The prepared data files': two-character escapes for \t \n \r only, `\u00XX` for the other
        /// characters below U+0020 and for U+007F, and `\u2028` / `\u2029` (the separators JavaScript reads as
        /// line breaks) escaped too.
        case dataLine
    }

    /// Appends `s` to `out` as a quoted JSON string in `style`.
    public static func append(_ s: String, to out: inout String, style: Style) {
        out += "\""
        // Most strings need no escape in either style: copied whole.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C && $0 < 0x7F }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\u{08}" where style == .canonical: out += "\\b"
            case "\u{0C}" where style == .canonical: out += "\\f"
            case _ where scalar.value < 0x20, _ where style == .dataLine && [0x7F, 0x2028, 0x2029].contains(scalar.value):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
