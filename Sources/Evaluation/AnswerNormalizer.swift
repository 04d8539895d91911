import Foundation

/// Puts answers into the form exact-answer scoring and the reference judge compare.
///
/// In order: Unicode NFKC (full-width digits, letters and punctuation become ASCII, so "４６" is "46" and
/// "，" is ","); lowercasing (Latin, Greek and Cyrillic have case; Chinese has none); every run of whitespace
/// becomes one space and the ends are trimmed; trailing sentence punctuation (`. , ; : ! ?` and the ideographic
/// `。` and `、`, which NFKC keeps) is stripped; spaces next to commas are dropped, because an English list is
/// written "3, 5" and a Chinese one "3，5"; and every number standing alone between spaces or commas is
/// rewritten canonically ("+046.50" → "46.5", "-0" → "0"), so "46", "46.0" and " 46。" are the same answer.
public enum AnswerNormalizer {
    /// The normalized form of `text`.
    public static func normalize(_ text: String) -> String {
        let folded = text.precomposedStringWithCompatibilityMapping.lowercased()
        var collapsed = folded.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        while let last = collapsed.last, trailingPunctuation.contains(last) || last == " " {
            collapsed.removeLast()
        }
        // Spaces around commas carry no meaning in a list answer; numbers are canonicalized item by item.
        let items = collapsed.split(separator: ",", omittingEmptySubsequences: false).map { item in
            item.split(separator: " ").map { canonicalNumber(String($0)) ?? String($0) }.joined(separator: " ")
        }
        return items.joined(separator: ",")
    }

    /// Whether `answer` and `reference` are the same once both are normalized.
    public static func matches(_ answer: String, reference: String) -> Bool {
        normalize(answer) == normalize(reference)
    }

    /// Punctuation that ends a sentence or a clause, and so says nothing about the answer when it trails it.
    static let trailingPunctuation: Set<Character> = [".", ",", ";", ":", "!", "?", "。", "、"]

    /// `token` as a canonical decimal (sign only when negative, no leading zeros before the point, no trailing
    /// zeros after it, no point when there is no fraction), or nil when it is not a plain decimal number.
    ///
    /// Written on the digits rather than through `Double` so that long numbers stay exact and "0.1" does not
    /// become "0.1000000000000000055".
    static func canonicalNumber(_ token: String) -> String? {
        var scalars = Substring(token)
        var negative = false
        if let sign = scalars.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            scalars = scalars.dropFirst()
        }
        let parts = scalars.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !(integer.isEmpty && fraction.isEmpty),
              integer.allSatisfy(\.isASCIIDigit), fraction.allSatisfy(\.isASCIIDigit)
        else { return nil }
        var wholeDigits = String(integer.drop { $0 == "0" })
        if wholeDigits.isEmpty { wholeDigits = "0" }
        var fractionDigits = String(fraction)
        while fractionDigits.last == "0" { fractionDigits.removeLast() }
        let magnitude = fractionDigits.isEmpty ? wholeDigits : wholeDigits + "." + fractionDigits
        return negative && magnitude != "0" ? "-" + magnitude : magnitude
    }
}

extension Character {
    /// One of 0–9 (NFKC has already turned full-width digits into these).
    var isASCIIDigit: Bool { isASCII && isNumber }
}
