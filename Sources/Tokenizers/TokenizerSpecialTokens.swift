/// Finds special-token strings (such as `<|im_start|>`) in text, so that they become single ids instead of
/// being spelled out byte by byte.
struct SpecialTokenMatcher: Sendable {
    /// A stretch of text to tokenize normally, or a special token found in it.
    enum Segment: Equatable {
        case text(Range<Int>)
        case special(Int)
    }

    /// The special tokens by their first byte, longest first so that the longest match wins.
    private let candidates: [[(bytes: [UInt8], id: Int)]]

    /// A matcher for `tokens` (spelling to id); empty spellings are ignored.
    init(_ tokens: [String: Int]) {
        var candidates = [[(bytes: [UInt8], id: Int)]](repeating: [], count: 256)
        for (token, id) in tokens where !token.isEmpty {
            let bytes = Array(token.utf8)
            candidates[Int(bytes[0])].append((bytes, id))
        }
        for i in candidates.indices {
            candidates[i].sort { $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.id < $1.id }
        }
        self.candidates = candidates
    }

    /// The length of the longest token that `bytes[position...]` begins with, or nil.
    func prefixLength(_ bytes: [UInt8], at position: Int) -> Int? {
        guard position < bytes.count else { return nil }
        for option in candidates[Int(bytes[position])] where option.bytes.count <= bytes.count - position {
            if bytes[position..<(position + option.bytes.count)].elementsEqual(option.bytes) { return option.bytes.count }
        }
        return nil
    }

    /// `bytes` cut into text and special tokens, left to right.
    func segments(_ bytes: [UInt8]) -> [Segment] {
        var segments: [Segment] = []
        var textStart = 0
        var index = 0
        while index < bytes.count {
            let options = candidates[Int(bytes[index])]
            var matched: (length: Int, id: Int)?
            for option in options where option.bytes.count <= bytes.count - index {
                if bytes[index..<(index + option.bytes.count)].elementsEqual(option.bytes) {
                    matched = (option.bytes.count, option.id)
                    break
                }
            }
            if let matched {
                if textStart < index { segments.append(.text(textStart..<index)) }
                segments.append(.special(matched.id))
                index += matched.length
                textStart = index
            } else {
                index += 1
            }
        }
        if textStart < bytes.count { segments.append(.text(textStart..<bytes.count)) }
        return segments
    }
}
