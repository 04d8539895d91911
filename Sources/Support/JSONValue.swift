import Foundation

/// Any JSON value: the one parsed form of every JSON document qlab reads by hand (model and tokenizer files,
/// battle and judgment files, cell configurations, lineage exports) and of what it prints with `--json`.
public enum JSONValue: Codable, Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .integer(value): try container.encode(value)
        case let .number(value):
            // JSON has no NaN or infinity; null says "no number" without failing the whole document.
            if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }

    /// Parses `data`; throws the decoder's error on malformed JSON.
    public static func parse(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// Parses `data` through Foundation's `JSONSerialization` and converts the result: an order of magnitude faster
    /// than the `Decodable` path on large documents (a 49,152-entry vocabulary, the chitchat conversations).
    /// Throws JSONSerialization's error on malformed JSON.
    public static func parseFast(_ data: Data) throws -> JSONValue {
        let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        guard let value = JSONValue(foundation: object) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a value JSON cannot hold"))
        }
        return value
    }

    /// What `JSONSerialization` returns, converted; nil for anything that is not a JSON value.
    public init?(foundation value: Any) {
        switch value {
        case let s as String: self = .string(s)
        case let number as NSNumber:
            // Booleans come back as NSNumber too; their Objective-C type is "c" (or "B").
            switch String(cString: number.objCType) {
            case "c", "B": self = .bool(number.boolValue)
            case "d", "f": self = .number(number.doubleValue)
            default: self = .integer(number.int64Value)
            }
        case let array as [Any]:
            var out: [JSONValue] = []
            out.reserveCapacity(array.count)
            for item in array {
                guard let v = JSONValue(foundation: item) else { return nil }
                out.append(v)
            }
            self = .array(out)
        case let object as [String: Any]:
            var out: [String: JSONValue] = [:]
            for (key, item) in object {
                guard let v = JSONValue(foundation: item) else { return nil }
                out[key] = v
            }
            self = .object(out)
        case is NSNull: self = .null
        default: return nil
        }
    }

    /// The value under `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The integer value (also an integral number such as `4.0`).
    public var int: Int? {
        switch self {
        case .integer(let i): Int(exactly: i)
        case .number(let d) where d.rounded() == d && abs(d) < 9.0e15: Int(d)
        default: nil
        }
    }

    /// The numeric value.
    public var double: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }

    /// The string value.
    public var string: String? { if case .string(let s) = self { s } else { nil } }
    /// The boolean value.
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    /// The array value.
    public var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    /// The object value.
    public var object: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }
}
