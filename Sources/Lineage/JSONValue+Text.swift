import Foundation
import Support

/// The store's uses of JSON values: parsing with the file named in the error, canonical text (equal values give
/// equal text), and CSV fields.
extension JSONValue {
    /// Parses JSON text; `what` names the text's origin in the error.
    public static func parse(_ text: String, what: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw LineageError.malformedFile(path: what, line: nil, message: "not JSON: \(error)")
        }
    }

    /// Compact JSON text with sorted keys, so equal values give equal text.
    public func canonicalText() -> String {
        // Strings of plain ASCII, integers, booleans and null are written here, as the encoder below writes them
        // (a grid writes one such object per cell); anything else is left to it.
        var out = ""
        if Self.writePlain(self, into: &out) { return out }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a JSONValue cannot fail: every case maps to a JSON value.
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Appends the compact text of `value` when it holds only plain values (see `canonicalText`); false otherwise.
    private static func writePlain(_ value: JSONValue, into out: inout String) -> Bool {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .number: return false
        case .string(let s):
            guard s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) else { return false }
            out += "\""
            out += s
            out += "\""
        case .array(let elements):
            out += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { out += "," }
                guard writePlain(element, into: &out) else { return false }
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, key) in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if i > 0 { out += "," }
                guard writePlain(.string(key), into: &out) else { return false }
                out += ":"
                guard writePlain(members[key]!, into: &out) else { return false }
            }
            out += "}"
        }
        return true
    }

    /// The value as one CSV field: strings and numbers bare, containers as JSON text.
    public var plainText: String {
        switch self {
        case .null: return ""
        case let .bool(value): return value ? "true" : "false"
        case let .integer(value): return String(value)
        case let .number(value): return value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case let .string(value): return value
        case .array, .object: return canonicalText()
        }
    }
}
