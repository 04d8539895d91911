/// Canonical JSON: one byte sequence per value, so that equal configurations hash equally.
///
/// The rules follow RFC 8785 (the JSON Canonicalization Scheme): no whitespace; object members sorted by the
/// UTF-16 code units of their keys; arrays in order; strings with only `"`, `\` and control characters escaped
/// (`\b \t \n \f \r`, others as `\u00xx`); numbers as ECMAScript prints them — integral values without a
/// fraction, -0 as 0, otherwise the shortest digits that read back to the same double, in plain notation for
/// magnitudes in [1e-6, 1e21) and as `d.ddde±x` outside. Integers are printed exactly, even above 2^53.
public enum CanonicalJSON {
    /// The canonical text of `value`.
    public static func string(_ value: some Encodable) throws -> String {
        write(try JSONTreeEncoder().encode(value))
    }

    /// The canonical UTF-8 bytes of `value`.
    public static func bytes(_ value: some Encodable) throws -> [UInt8] {
        Array(try string(value).utf8)
    }

    /// The canonical text of a tree.
    public static func write(_ value: CanonicalJSON.Value) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    private static func write(_ value: CanonicalJSON.Value, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .unsignedInteger(let u): out += String(u)
        case .number(let d): out += number(d)
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            out += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { out += "," }
                write(element, into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            let keys = sortedKeys(members.keys)
            for (i, key) in keys.enumerated() {
                if i > 0 { out += "," }
                writeString(key, into: &out)
                out += ":"
                write(members[key]!, into: &out)
            }
            out += "}"
        }
    }

    /// Object keys in RFC 8785's order, by UTF-16 code units; for ASCII keys (all of a configuration's) that is
    /// the byte order, which is faster to compare.
    static func sortedKeys(_ keys: some Collection<String>) -> [String] {
        keys.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
            ? keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            : keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
    }

    private static func writeString(_ s: String, into out: inout String) {
        JSONStringWriter.append(s, to: &out, style: .canonical)
    }

    /// The canonical spelling of a finite double (see the type's comment).
    public static func number(_ v: Double) -> String {
        if v == 0 { return "0" }
        // Below 2^53 every integral double is an exact integer, so the integer spelling loses nothing.
        if v.rounded(.towardZero) == v, v.magnitude < 9_007_199_254_740_992 { return String(Int64(v)) }
        // Swift's description already holds the shortest round-trip digits; only their layout is ours.
        var text = Substring(v.magnitude.description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        let integerPart = text.prefix { $0 != "." }
        let fractionPart = text.dropFirst(integerPart.count + (integerPart.count < text.count ? 1 : 0))
        var digits = Array(integerPart + fractionPart)
        // The value is 0.DIGITS × 10^point.
        var point = integerPart.count + exponent
        while digits.first == "0" { digits.removeFirst(); point -= 1 }
        while digits.last == "0" { digits.removeLast() }
        let d = String(digits)
        let sign = v < 0 ? "-" : ""
        if point > -6 && point <= 21 {
            if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + d }
            if point >= d.count { return sign + d + String(repeating: "0", count: point - d.count) }
            return sign + d.prefix(point) + "." + d.dropFirst(point)
        }
        let mantissa = d.count == 1 ? d : d.prefix(1) + "." + d.dropFirst()
        let e = point - 1
        return sign + mantissa + "e" + (e >= 0 ? "+" : "-") + String(e.magnitude)
    }
}
