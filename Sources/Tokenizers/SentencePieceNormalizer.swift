/// SentencePiece's text normalization: the compiled character map (`nmt_nfkc`, `nfkc`, a custom rule, or none for
/// `identity`) applied longest match first, then the whitespace rules (leading, trailing and repeated spaces
/// dropped, the dummy prefix, spaces written as "▁").
///
/// The compiled map is a double-array trie (darts-clone's layout: 32-bit units of label, offset and leaf flag)
/// over the UTF-8 of source strings, whose values index NUL-terminated replacement strings stored after it.
struct SentencePieceNormalizer: Sendable {
    let addDummyPrefix: Bool
    let removeExtraWhitespaces: Bool
    let escapeWhitespaces: Bool
    let treatWhitespaceAsSuffix: Bool
    private let trie: [UInt32]
    private let replacements: [UInt8]
    /// User-defined pieces pass through normalization unchanged.
    private let userDefined: SpecialTokenMatcher

    /// A normalizer for `spec`; `userDefined` are the pieces kept as written. Throws naming `source` when the
    /// compiled map is malformed or the rule is one that would first have to be compiled.
    init(_ spec: SentencePieceModelFile.Normalizer, treatWhitespaceAsSuffix: Bool, userDefined: [String],
         source: String) throws(TokenizerError) {
        addDummyPrefix = spec.addDummyPrefix
        removeExtraWhitespaces = spec.removeExtraWhitespaces
        escapeWhitespaces = spec.escapeWhitespaces
        self.treatWhitespaceAsSuffix = treatWhitespaceAsSuffix
        self.userDefined = SpecialTokenMatcher(Dictionary(userDefined.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a }))
        let map = spec.precompiledCharsmap
        if map.isEmpty {
            guard spec.ruleTSV.isEmpty else {
                throw .unsupported(file: source, field: "normalizer_spec.normalization_rule_tsv",
                                   value: "a rule \(spec.name.isEmpty ? "" : "(\(spec.name)) ")given as text, not compiled",
                                   supported: "a precompiled_charsmap, or none (identity)")
            }
            trie = []
            replacements = []
            return
        }
        let rule = spec.name.isEmpty ? "the normalization rule" : "rule \(spec.name)"
        guard map.count >= 4 else {
            throw .malformed(file: source, field: "normalizer_spec.precompiled_charsmap", reason: "\(rule): \(map.count) bytes, too short for its header")
        }
        let trieBytes = Int(UInt32(map[0]) | UInt32(map[1]) << 8 | UInt32(map[2]) << 16 | UInt32(map[3]) << 24)
        guard trieBytes % 4 == 0, trieBytes >= 4, trieBytes <= map.count - 4 else {
            throw .malformed(file: source, field: "normalizer_spec.precompiled_charsmap",
                             reason: "\(rule): its trie claims \(trieBytes) bytes of \(map.count - 4)")
        }
        var units = [UInt32](repeating: 0, count: trieBytes / 4)
        for i in units.indices {
            let b = 4 + 4 * i
            units[i] = UInt32(map[b]) | UInt32(map[b + 1]) << 8 | UInt32(map[b + 2]) << 16 | UInt32(map[b + 3]) << 24
        }
        trie = units
        replacements = Array(map[(4 + trieBytes)...])
    }

    /// `text` normalized, as UTF-8 ("▁" for spaces when escaping them).
    func normalize(_ text: String) -> [UInt8] {
        let input = Array(text.utf8)
        var position = 0
        var output: [UInt8] = []
        output.reserveCapacity(input.count + 3)
        let space = UInt8(ascii: " ")
        let metaspace: [UInt8] = [0xE2, 0x96, 0x81]
        func addWhitespace() { if escapeWhitespaces { output += metaspace } else { output.append(space) } }

        if removeExtraWhitespaces {
            while position < input.count {
                let (replacement, consumed) = prefix(input, at: position)
                guard replacement.elementsEqual([space]) else { break }
                position += consumed
            }
        }
        guard position < input.count else { return [] }
        if !treatWhitespaceAsSuffix && addDummyPrefix { addWhitespace() }
        var previousIsSpace = removeExtraWhitespaces
        while position < input.count {
            let (replacement, consumed) = prefix(input, at: position)
            var piece = replacement[...]
            while previousIsSpace, piece.first == space { piece = piece.dropFirst() }
            if let last = piece.last {
                for byte in piece {
                    if escapeWhitespaces && byte == space { output += metaspace } else { output.append(byte) }
                }
                previousIsSpace = last == space
            }
            position += consumed
            if !removeExtraWhitespaces { previousIsSpace = false }
        }
        if removeExtraWhitespaces {
            let trailing = escapeWhitespaces ? metaspace : [space]
            while output.count >= trailing.count, output.suffix(trailing.count).elementsEqual(trailing) {
                output.removeLast(trailing.count)
            }
        }
        if treatWhitespaceAsSuffix && addDummyPrefix { addWhitespace() }
        return output
    }

    /// The normalized form of the longest rule source (or user-defined piece, or else one character) at
    /// `position`, and how many bytes of `input` it covers.
    private func prefix(_ input: [UInt8], at position: Int) -> (replacement: ArraySlice<UInt8>, consumed: Int) {
        if let length = userDefined.prefixLength(input, at: position) {
            return (input[position..<(position + length)], length)
        }
        if !trie.isEmpty, let (value, length) = longestMatch(input, at: position), let replacement = replacement(at: value) {
            return (replacement, length)
        }
        let length = min(Self.scalarLength(input[position]), input.count - position)
        return (input[position..<(position + length)], length)
    }

    /// The value and length of the longest source string in the trie that `input[position...]` begins with.
    /// Every unit index is checked, so a corrupted map gives no match rather than a crash.
    private func longestMatch(_ input: [UInt8], at position: Int) -> (value: Int, length: Int)? {
        func offset(_ unit: UInt32) -> Int { Int((unit >> 10) << ((unit & (1 << 9)) >> 6)) }
        var node = offset(trie[0])
        var best: (Int, Int)?
        var index = position
        while index < input.count {
            let label = input[index]
            node ^= Int(label)
            guard node < trie.count else { break }
            let unit = trie[node]
            guard unit & (0x8000_0000 | 0xFF) == UInt32(label) else { break }
            node ^= offset(unit)
            guard node < trie.count else { break }
            index += 1
            if (unit >> 8) & 1 == 1 { best = (Int(trie[node] & 0x7FFF_FFFF), index - position) }
        }
        return best
    }

    /// The NUL-terminated replacement string at `value`, or nil when the map does not hold one there.
    private func replacement(at value: Int) -> ArraySlice<UInt8>? {
        guard value < replacements.count, let end = replacements[value...].firstIndex(of: 0) else { return nil }
        return replacements[value..<end]
    }

    /// The length of the UTF-8 sequence a lead byte begins (1 for a stray continuation byte).
    static func scalarLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: 4
        case 0xE0...: 3
        case 0xC0...: 2
        default: 1
        }
    }
}
