/// A JSON document as a tree, the intermediate form between an `Encodable` value and its canonical bytes.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A signed integer, printed exactly.
    case integer(Int64)
    /// An unsigned integer above `Int64.max` (64-bit seeds), printed exactly.
    case unsignedInteger(UInt64)
    /// A binary floating-point number; integral values print without a fraction.
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Members by key; the writer sorts them, so insertion order never matters.
    case object([String: JSONValue])
}
