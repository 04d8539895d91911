extension CanonicalJSON {
    /// A JSON document as a tree, the intermediate form between an `Encodable` value and its canonical bytes.
    ///
    /// Nested rather than top-level: other modules of the project have their own `JSONValue` for parsing, and
    /// two top-level types of one name break every file that imports both modules.
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
