/// Canonical JSON of many values of one type that differ in few of their top-level members, as a grid's cells do:
/// each member's canonical text is remembered by its value, so a cell costs the members it changes.
///
/// The text is the one `CanonicalJSON.string` writes (an object is `{`, its members in key order as
/// `"key":text`, `}`); a value that does not encode as an object of members is written by `CanonicalJSON.string`.
public final class CanonicalMemberCache {
    private var texts: [String: [AnyHashable: String]] = [:]

    /// An empty cache.
    public init() {}

    /// The canonical text of `value`.
    public func string(_ value: some Encodable) throws -> String {
        let encoding = MemberTextEncoding(cache: self)
        do {
            try value.encode(to: encoding)
        } catch {
            // The full encoder's error names the whole coding path.
            return try CanonicalJSON.string(value)
        }
        guard !encoding.state.unsupported, encoding.state.opened else { return try CanonicalJSON.string(value) }
        var out = "{"
        for (i, key) in CanonicalJSON.sortedKeys(encoding.state.members.keys).enumerated() {
            if i > 0 { out += "," }
            JSONStringWriter.append(key, to: &out, style: .canonical)
            out += ":"
            out += encoding.state.members[key]!
        }
        return out + "}"
    }

    /// The text of one member, from the cache when the same value was written under the same key before.
    fileprivate func text<T: Encodable>(_ value: T, key: String) throws -> String {
        guard let hashable = value as? any Hashable else { return CanonicalJSON.write(try JSONTreeEncoder().encode(value)) }
        let index = AnyHashable(hashable)
        if let known = texts[key]?[index] { return known }
        let text = CanonicalJSON.write(try JSONTreeEncoder().encode(value))
        texts[key, default: [:]][index] = text
        return text
    }
}

/// What the top-level container collected.
private final class MemberTextState {
    var members: [String: String] = [:]
    var opened = false
    var unsupported = false
}

/// An encoder that accepts one keyed container and turns each member into its canonical text.
private struct MemberTextEncoding: Encoder {
    let cache: CanonicalMemberCache
    let state = MemberTextState()
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if state.opened { state.unsupported = true }
        state.opened = true
        return KeyedEncodingContainer(MemberTextContainer<Key>(cache: cache, state: state))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        state.unsupported = true
        return TreeEncoding(node: TreeNode(), codingPath: []).unkeyedContainer()
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        state.unsupported = true
        return TreeEncoding(node: TreeNode(), codingPath: []).singleValueContainer()
    }
}

private struct MemberTextContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let cache: CanonicalMemberCache
    let state: MemberTextState
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws { state.members[key.stringValue] = "null" }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        state.members[key.stringValue] = try cache.text(value, key: key.stringValue)
    }

    // Nested containers write into a tree of their own; the whole value is then written by the full encoder.
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        state.unsupported = true
        return TreeEncoding(node: TreeNode(), codingPath: []).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        state.unsupported = true
        return TreeEncoding(node: TreeNode(), codingPath: []).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        state.unsupported = true
        return TreeEncoding(node: TreeNode(), codingPath: [])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        state.unsupported = true
        return TreeEncoding(node: TreeNode(), codingPath: [])
    }
}
