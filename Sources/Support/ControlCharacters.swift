/// Control characters in text that reaches a line-based file (a gnuplot script, a batch script, a path written
/// into one): a newline or a carriage return would end the line and start another.
extension String {
    /// Whether the text holds a control character (newline, carriage return, tab, NUL, ...).
    public var containsControlCharacter: Bool {
        unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// The text with every control character replaced by `replacement`.
    public func replacingControlCharacters(with replacement: Unicode.Scalar) -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0.properties.generalCategory == .control ? replacement : $0 }))
    }
}
