/// Turns an `Encodable` value into a `CanonicalJSON.Value` tree without Foundation, so that the canonical bytes depend
/// only on this module.
public struct JSONTreeEncoder: Sendable {
    /// An encoder with no options: the tree is canonicalized when it is written.
    public init() {}

    /// The tree of `value`.
    public func encode(_ value: some Encodable) throws -> CanonicalJSON.Value {
        let root = TreeNode()
        try root.store(value, codingPath: [])
        return try root.resolve(codingPath: [])
    }
}

/// A JSON value under construction: containers hand out child nodes that are filled in later.
final class TreeNode {
    var leaf: CanonicalJSON.Value?
    var members: [String: TreeNode]?
    var elements: [TreeNode]?

    func resolve(codingPath: [any CodingKey]) throws -> CanonicalJSON.Value {
        if let leaf { return leaf }
        if let members {
            var object: [String: CanonicalJSON.Value] = [:]
            for (key, node) in members { object[key] = try node.resolve(codingPath: codingPath) }
            return .object(object)
        }
        if let elements { return .array(try elements.map { try $0.resolve(codingPath: codingPath) }) }
        // A value that opened no container encoded nothing; JSON has no spelling for that.
        throw CanonicalJSONError.nothingEncoded(path: CanonicalJSONError.describe(codingPath))
    }

    /// Stores `value`, turning numbers, strings and booleans into leaves directly so their exact type is kept.
    func store<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        switch value {
        case let v as Bool: leaf = .bool(v)
        case let v as String: leaf = .string(v)
        case let v as Double: leaf = try CanonicalJSONError.finite(v, codingPath)
        case let v as Float:
            // Float's own shortest digits, read back as a Double, keep 0.1f printing as 0.1.
            leaf = try CanonicalJSONError.finite(Double(v.description) ?? Double(v), codingPath)
        case let v as Int: leaf = .integer(Int64(v))
        case let v as Int8: leaf = .integer(Int64(v))
        case let v as Int16: leaf = .integer(Int64(v))
        case let v as Int32: leaf = .integer(Int64(v))
        case let v as Int64: leaf = .integer(v)
        case let v as UInt: leaf = CanonicalJSON.Value.unsigned(UInt64(v))
        case let v as UInt8: leaf = .integer(Int64(v))
        case let v as UInt16: leaf = .integer(Int64(v))
        case let v as UInt32: leaf = .integer(Int64(v))
        case let v as UInt64: leaf = CanonicalJSON.Value.unsigned(v)
        default: try value.encode(to: TreeEncoding(node: self, codingPath: codingPath))
        }
    }
}

extension CanonicalJSON.Value {
    /// The integer case that holds `v` exactly.
    static func unsigned(_ v: UInt64) -> CanonicalJSON.Value {
        v <= UInt64(Int64.max) ? .integer(Int64(v)) : .unsignedInteger(v)
    }
}

struct TreeEncoding: Encoder {
    let node: TreeNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.members == nil { node.members = [:] }
        return KeyedEncodingContainer(TreeKeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.elements == nil { node.elements = [] }
        return TreeUnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        TreeSingleValueContainer(node: node, codingPath: codingPath)
    }
}

struct TreeKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: TreeNode
    let codingPath: [any CodingKey]

    private func child(_ key: Key) -> TreeNode {
        let child = TreeNode()
        node.members![key.stringValue] = child
        return child
    }

    mutating func encodeNil(forKey key: Key) throws { child(key).leaf = .null }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try child(key).store(value, codingPath: codingPath + [key])
    }

    // The common leaves directly, without the generic path's dynamic casts (a grid encodes every cell's
    // configuration); each gives the leaf `store` would.
    mutating func encode(_ value: Bool, forKey key: Key) throws { child(key).leaf = .bool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { child(key).leaf = .string(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { child(key).leaf = .integer(Int64(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { child(key).leaf = .integer(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { child(key).leaf = .integer(Int64(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { child(key).leaf = CanonicalJSON.Value.unsigned(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        child(key).leaf = value.isFinite ? .number(value) : try CanonicalJSONError.finite(value, codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        TreeEncoding(node: child(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        TreeEncoding(node: child(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        TreeEncoding(node: child(Key(stringValue: "super")!), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        TreeEncoding(node: child(key), codingPath: codingPath + [key])
    }
}

struct TreeUnkeyedContainer: UnkeyedEncodingContainer {
    let node: TreeNode
    let codingPath: [any CodingKey]
    var count: Int { node.elements!.count }

    private func append() -> TreeNode {
        let child = TreeNode()
        node.elements!.append(child)
        return child
    }

    mutating func encodeNil() throws { append().leaf = .null }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try append().store(value, codingPath: codingPath + [IndexKey(count)])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        TreeEncoding(node: append(), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        TreeEncoding(node: append(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        TreeEncoding(node: append(), codingPath: codingPath)
    }
}

struct TreeSingleValueContainer: SingleValueEncodingContainer {
    let node: TreeNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.leaf = .null }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try node.store(value, codingPath: codingPath)
    }

    mutating func encode(_ value: Bool) throws { node.leaf = .bool(value) }
    mutating func encode(_ value: String) throws { node.leaf = .string(value) }
    mutating func encode(_ value: Int) throws { node.leaf = .integer(Int64(value)) }
    mutating func encode(_ value: Double) throws { node.leaf = try CanonicalJSONError.finite(value, codingPath) }
}

/// The position of an array element in a coding path.
struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.intValue = intValue }
}
