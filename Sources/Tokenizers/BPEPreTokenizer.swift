
/// How text is cut into words before byte-level BPE merges within each word.
///
/// Two patterns are supported. GPT-2's: optionally every number character on its own first (Hugging Face's
/// `Digits(individual_digits: true)`, llama.cpp's `\p{N}` pass for SmolLM, StarCoder and others), then
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` on what is between. And
/// Qwen2's (`Pattern.qwen2Regex`, a `Split` pre-tokenizer in its tokenizer.json, `qwen2` in GGUF files), which
/// matches contractions in any case, lets one non-letter lead a run of letters, takes numbers one character at
/// a time and keeps line breaks with the whitespace or punctuation before them. Each pattern is matched by hand
/// over Unicode general categories: it is the hot loop of encoding, and the hand-written scanner has no
/// backtracking to pay for.
public struct BPEPreTokenizer: Sendable, Hashable {
    /// The splitting patterns this scanner implements.
    public enum Pattern: String, Sendable, Hashable {
        /// GPT-2's (ByteLevel's own regex).
        case gpt2
        /// Qwen2's (`qwen2Regex`).
        case qwen2

        /// Qwen2's splitting regex, as its tokenizer.json and llama.cpp write it.
        public static let qwen2Regex = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    }

    /// Which pattern cuts the text (when `useRegex`).
    public var pattern: Pattern = .gpt2
    /// Whether each number character (\p{N}) is split off as its own word before the GPT-2 pattern runs.
    public var splitDigits: Bool
    /// Whether the GPT-2 pattern splits words at all (Hugging Face `ByteLevel.use_regex`).
    public var useRegex: Bool
    /// Whether a space is put before text that does not start with one (Hugging Face `ByteLevel.add_prefix_space`).
    public var addPrefixSpace: Bool

    /// A pre-tokenizer with the given switches.
    public init(splitDigits: Bool, useRegex: Bool = true, addPrefixSpace: Bool = false) {
        self.splitDigits = splitDigits
        self.useRegex = useRegex
        self.addPrefixSpace = addPrefixSpace
    }

    /// GPT-2's own pre-tokenizer.
    public static let gpt2 = BPEPreTokenizer(splitDigits: false)
    /// SmolLM's (and StarCoder's): digits one by one, then GPT-2's pattern.
    public static let smolLM = BPEPreTokenizer(splitDigits: true)
    /// Qwen2's pattern (which takes numbers one at a time itself).
    public static let qwen2: BPEPreTokenizer = {
        var p = BPEPreTokenizer(splitDigits: false)
        p.pattern = .qwen2
        return p
    }()

    /// Appends to `words` the byte ranges of the words of `bytes[range]`, which must be whole UTF-8.
    func split(_ bytes: [UInt8], _ range: Range<Int>, into words: inout [Range<Int>]) {
        let scanner = Scanner(bytes: bytes, range: range)
        let count = scanner.classes.count
        guard count > 0 else { return }
        guard splitDigits else {
            scanner.splitPattern(0..<count, pattern: useRegex ? pattern : nil, into: &words)
            return
        }
        var start = 0
        for index in 0..<count where scanner.classes[index] == .number {
            scanner.splitPattern(start..<index, pattern: useRegex ? pattern : nil, into: &words)
            words.append(scanner.offsets[index]..<scanner.offsets[index + 1])
            start = index + 1
        }
        scanner.splitPattern(start..<count, pattern: useRegex ? pattern : nil, into: &words)
    }
}

/// The classes GPT-2's pattern tells characters apart by.
private enum CharacterClass: UInt8 {
    case letter, number, whitespace, other
}

/// The characters of a stretch of UTF-8, with their classes and byte offsets, and the GPT-2 pattern over them.
private struct Scanner {
    let bytes: [UInt8]
    /// The class of each character.
    var classes: [CharacterClass] = []
    /// The byte offset where each character starts, plus the end offset.
    var offsets: [Int] = []

    init(bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        classes.reserveCapacity(range.count)
        offsets.reserveCapacity(range.count + 1)
        var index = range.lowerBound
        while index < range.upperBound {
            let lead = bytes[index]
            offsets.append(index)
            if lead < 0x80 {
                classes.append(Self.asciiClasses[Int(lead)])
                index += 1
                continue
            }
            // The bytes came from a Swift String, so they are valid UTF-8.
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for k in 1..<length { value = value << 6 | UInt32(bytes[index + k] & 0x3F) }
            classes.append(Self.classify(Unicode.Scalar(value) ?? "\u{FFFD}"))
            index += length
        }
        offsets.append(range.upperBound)
    }

    private static let asciiClasses: [CharacterClass] = (0..<128).map { classify(Unicode.Scalar(UInt8($0))) }

    private static func classify(_ scalar: Unicode.Scalar) -> CharacterClass {
        let properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    /// The byte of character `index` when it is ASCII, else 0.
    private func ascii(_ index: Int) -> UInt8 {
        let byte = bytes[offsets[index]]
        return byte < 0x80 ? byte : 0
    }

    /// Appends the words `pattern` finds among characters `range` (the whole range as one word when nil).
    func splitPattern(_ range: Range<Int>, pattern: BPEPreTokenizer.Pattern?, into words: inout [Range<Int>]) {
        guard !range.isEmpty else { return }
        guard let pattern else {
            words.append(offsets[range.lowerBound]..<offsets[range.upperBound])
            return
        }
        let end = range.upperBound
        var index = range.lowerBound
        while index < end {
            let next = pattern == .gpt2 ? matchEnd(at: index, end: end) : matchEndQwen2(at: index, end: end)
            words.append(offsets[index]..<offsets[next])
            index = next
        }
    }

    /// Where the pattern's match starting at character `start` ends; the alternatives are tried in the
    /// pattern's order, and the first that matches wins, as in a regex engine.
    private func matchEnd(at start: Int, end: Int) -> Int {
        let apostrophe = UInt8(ascii: "'")
        // 's 't 're 've 'm 'll 'd, lower case only, as GPT-2 wrote them.
        if ascii(start) == apostrophe && start + 1 < end {
            switch ascii(start + 1) {
            case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
                return start + 2
            case UInt8(ascii: "r"), UInt8(ascii: "v"):
                if start + 2 < end && ascii(start + 2) == UInt8(ascii: "e") { return start + 3 }
            case UInt8(ascii: "l"):
                if start + 2 < end && ascii(start + 2) == UInt8(ascii: "l") { return start + 3 }
            default:
                break
            }
        }
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional plain space, then a run of one class.
        var first = start
        if ascii(start) == UInt8(ascii: " ") && start + 1 < end && classes[start + 1] != .whitespace {
            first = start + 1
        }
        let runClass = classes[first]
        if runClass != .whitespace {
            var index = first + 1
            while index < end && classes[index] == runClass { index += 1 }
            return index
        }
        // `\s+(?!\S)` keeps the last whitespace character for the word after it; `\s+` takes a lone one.
        var index = start + 1
        while index < end && classes[index] == .whitespace { index += 1 }
        if index == end || index - 1 == start { return index }
        return index - 1
    }

    /// Whether character `index` is a carriage return or a line feed (the pattern's `[\r\n]`).
    private func isLineBreak(_ index: Int) -> Bool {
        let byte = ascii(index)
        return byte == 0x0A || byte == 0x0D
    }

    /// Character `index` lower-cased for the pattern's case-insensitive contractions: ASCII letters, and ſ
    /// (U+017F), which Unicode case folding makes an s; 0 for anything else.
    private func folded(_ index: Int) -> UInt8 {
        let byte = bytes[offsets[index]]
        if byte < 0x80 { return byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
        return byte == 0xC5 && offsets[index + 1] - offsets[index] == 2 && bytes[offsets[index] + 1] == 0xBF ? UInt8(ascii: "s") : 0
    }

    /// Where Qwen2's pattern's match starting at character `start` ends, the alternatives tried in order:
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
    private func matchEndQwen2(at start: Int, end: Int) -> Int {
        if ascii(start) == UInt8(ascii: "'") && start + 1 < end {
            switch folded(start + 1) {
            case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
                return start + 2
            case UInt8(ascii: "r"), UInt8(ascii: "v"):
                if start + 2 < end && folded(start + 2) == UInt8(ascii: "e") { return start + 3 }
            case UInt8(ascii: "l"):
                if start + 2 < end && folded(start + 2) == UInt8(ascii: "l") { return start + 3 }
            default:
                break
            }
        }
        func letters(from index: Int) -> Int {
            var index = index
            while index < end && classes[index] == .letter { index += 1 }
            return index
        }
        let lead = classes[start]
        // `[^\r\n\p{L}\p{N}]?\p{L}+`: letters, led by at most one character that is neither a line break nor a number.
        if lead == .letter { return letters(from: start + 1) }
        if lead != .number && !isLineBreak(start) && start + 1 < end && classes[start + 1] == .letter {
            return letters(from: start + 2)
        }
        // `\p{N}`: one number character.
        if lead == .number { return start + 1 }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`: an optional plain space, a run of other characters, then any line breaks.
        var first = start
        if ascii(start) == UInt8(ascii: " ") && start + 1 < end && classes[start + 1] == .other { first = start + 1 }
        if classes[first] == .other {
            var index = first + 1
            while index < end && classes[index] == .other { index += 1 }
            while index < end && isLineBreak(index) { index += 1 }
            return index
        }
        // Whitespace from here. `\s*[\r\n]+`: through the run's last line break, when it has one.
        var runEnd = start + 1
        while runEnd < end && classes[runEnd] == .whitespace { runEnd += 1 }
        if let lastBreak = (start..<runEnd).last(where: isLineBreak) { return lastBreak + 1 }
        // `\s+(?!\S)` leaves the run's last character to the word after it; `\s+` takes a lone one.
        if runEnd == end || runEnd - 1 == start { return runEnd }
        return runEnd - 1
    }
}
