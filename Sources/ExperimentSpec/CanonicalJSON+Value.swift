extension CanonicalJSON {
    /// A JSON document as a tree, the intermediate form between an `Encodable` value and its canonical bytes.
    ///
    /// Not `Support.JSONValue`, the parsed form of JSON that qlab reads: this one is written, never parsed, and
    /// must hold what an encoder hands it exactly, 64-bit unsigned seeds included; and the specification module
    /// depends on nothing of the project. Nested rather than top-level, so that no file importing both sees two
    /// types of one name.
    public enum Value: Sendable, Equatable {
        case null
        case bool(Bool)
        /// A signed integer, printed exactly.
        case integer(Int64)
        /// An unsigned integer above `Int64.max` (64-bit seeds), printed exactly.
        case unsignedInteger(UInt64)
        /// A binary floating-point number; integral values print without a fraction.
        case number(Double)
        case string(String)
        case array([Value])
        /// Members by key; the writer sorts them, so insertion order never matters.
        case object([String: Value])
    }
}
