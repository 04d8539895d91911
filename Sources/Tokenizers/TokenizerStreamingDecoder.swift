/// Turns token ids into text as they arrive, holding back the bytes of a character that is not complete yet.
///
/// Byte-level vocabularies split multi-byte characters across tokens (an emoji is often three ids), so
/// decoding each id alone would print replacement characters; this keeps the incomplete tail until the
/// rest of it arrives.
public struct StreamingDecoder: Sendable {
    private let tokenizer: any Tokenizer
    private var pending: [UInt8] = []

    /// A decoder reading ids of `tokenizer`.
    public init(tokenizer: any Tokenizer) {
        self.tokenizer = tokenizer
    }

    /// The text that `id` completes: possibly empty, never a broken character.
    public mutating func append(_ id: Int) -> String {
        pending.append(contentsOf: tokenizer.bytes(of: id) ?? Array("\u{FFFD}".utf8))
        let complete = Self.completePrefixLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Whatever is still held back, with an unfinished character shown as U+FFFD; the decoder is empty after.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// The length of the longest prefix of `bytes` that does not end inside a multi-byte sequence which
    /// later bytes could still complete.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let count = bytes.count
        // A UTF-8 sequence is at most 4 bytes, so only the last 3 can start an unfinished one.
        var index = count - 1
        while index >= 0 && index >= count - 4 {
            let byte = bytes[index]
            if byte & 0xC0 != 0x80 {
                let needed: Int
                switch byte {
                case 0xC2...0xDF: needed = 2
                case 0xE0...0xEF: needed = 3
                case 0xF0...0xF4: needed = 4
                default: needed = 1  // ASCII, or a byte that can never start a sequence: nothing to wait for
                }
                return count - index < needed ? index : count
            }
            index -= 1
        }
        return count
    }
}
