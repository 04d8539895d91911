import Support
import ExperimentSpec
import Lineage

/// A JSON configuration as an indented tree, one setting a line, keys sorted.
enum ConfigTree {
    /// The lines of `value`, each indented by `indent` and two spaces a level.
    static func lines(_ value: JSONValue, indent: String = "") -> [String] {
        switch value {
        case .object(let members):
            return members.keys.sorted().flatMap { key -> [String] in
                let member = members[key]!
                if let inline = inline(member) { return ["\(indent)\(key): \(inline)"] }
                return ["\(indent)\(key):"] + lines(member, indent: indent + "  ")
            }
        case .array(let elements):
            // Lists of objects: one "-" item each, its members below it.
            return elements.flatMap { element -> [String] in
                if let inline = inline(element) { return ["\(indent)- \(inline)"] }
                let inner = lines(element, indent: indent + "  ")
                guard let first = inner.first else { return ["\(indent)-"] }
                return ["\(indent)- " + first.dropFirst(indent.count + 2)] + inner.dropFirst()
            }
        default:
            return [indent + (inline(value) ?? "")]
        }
    }

    /// A scalar, or a list of scalars, on one line; nil for what needs lines of its own.
    private static func inline(_ value: JSONValue) -> String? {
        switch value {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .integer(let i): String(i)
        case .number(let d): CanonicalJSON.number(d)
        // Quoted only when a bare spelling could be misread (empty, or looking like another value).
        case .string(let s): s.isEmpty || s.contains(where: { $0 == "," || $0 == "[" || $0 == "]" }) ? CanonicalJSON.write(.string(s)) : s
        case .array(let elements):
            elements.isEmpty ? "[]" : {
                let parts = elements.compactMap(inline)
                return parts.count < elements.count ? nil : "[" + parts.joined(separator: ", ") + "]"
            }()
        case .object(let members): members.isEmpty ? "{}" : nil
        }
    }
}
