/// Why a value has no canonical JSON form.
public enum CanonicalJSONError: Error, Equatable, CustomStringConvertible {
    /// NaN or an infinity, which JSON cannot spell.
    case nonFiniteNumber(path: String, value: String)
    /// A value whose `encode(to:)` opened no container.
    case nothingEncoded(path: String)

    public var description: String {
        switch self {
        case .nonFiniteNumber(let path, let value): "\(value) at \(path) has no JSON spelling (numbers must be finite)"
        case .nothingEncoded(let path): "the value at \(path) encoded nothing"
        }
    }

    static func describe(_ codingPath: [any CodingKey]) -> String {
        codingPath.isEmpty ? "the top level" : codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    static func finite(_ v: Double, _ codingPath: [any CodingKey]) throws -> CanonicalJSON.Value {
        guard v.isFinite else { throw CanonicalJSONError.nonFiniteNumber(path: describe(codingPath), value: "\(v)") }
        return .number(v)
    }
}
