import ExperimentSpec

/// A JSON value written by hand, keys in the order given, non-ASCII text left readable: the prepared files'
/// bytes depend on nothing but their content, so their hashes are stable across machines and Foundation versions.
public indirect enum DataJSONLine: Sendable, Equatable {
    case string(String)
    case int(Int)
    case array([DataJSONLine])
    case object([(String, DataJSONLine)])

    public static func == (a: DataJSONLine, b: DataJSONLine) -> Bool { a.serialized == b.serialized }

    /// Compact JSON text (no newline).
    public var serialized: String {
        var out = ""
        write(into: &out)
        return out
    }

    private func write(into out: inout String) {
        switch self {
        case .string(let s): Self.quote(s, into: &out)
        case .int(let n): out += String(n)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                item.write(into: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (i, (key, value)) in fields.enumerated() {
                if i > 0 { out += ", " }
                Self.quote(key, into: &out)
                out += ": "
                value.write(into: &out)
            }
            out += "}"
        }
    }

    private static func quote(_ s: String, into out: inout String) {
        JSONStringWriter.append(s, to: &out, style: .dataLine)
    }
}
