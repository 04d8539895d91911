import Foundation

/// GPT-2-style byte-level BPE: text is cut into words, each word's UTF-8 bytes start as one token each and
/// are merged pair by pair in the order of the merge list.
public struct BPETokenizer: Tokenizer {
    /// Unicode normalization of the text between added tokens, before it is split (Hugging Face's `normalizer`).
    public enum Normalization: String, Sendable, Hashable {
        /// The text as given.
        case none
        /// Canonical composition (NFC), as Qwen's tokenizers ask.
        case nfc
    }

    /// An entry of the vocabulary matched in text before any splitting (`<|im_start|>` and the like).
    public struct AddedToken: Sendable, Hashable {
        /// The exact text that stands for the token.
        public var content: String
        /// The token's id.
        public var id: Int
        /// Whether it is a special (control) token rather than an ordinary added word.
        public var special: Bool

        /// An added token spelled `content` with id `id`.
        public init(content: String, id: Int, special: Bool) {
            self.content = content
            self.id = id
            self.special = special
        }
    }

    public let vocabularySize: Int
    public var bosID: Int?
    public var eosID: Int?
    public var padID: Int?
    /// The id that a byte missing from the vocabulary becomes; such a byte is dropped when this is nil.
    public var unknownID: Int?
    public var chatTemplate: ChatTemplate? {
        didSet { chatTemplateProblem = nil }
    }
    /// Why the chat template the file came with could not be read, reported when a chat is rendered
    /// (so that a vocabulary with an unusual template still encodes and decodes).
    public private(set) var chatTemplateProblem: TokenizerError?
    /// The chat template's text as the file gave it (kept even when it could not be read, to be written again).
    public private(set) var chatTemplateSource: String?
    /// How text is cut into words.
    public let preTokenizer: BPEPreTokenizer
    /// How the text is normalized before it is cut.
    public var normalization: Normalization = .none
    /// The tokens matched in text as a whole, before the pre-tokenizer runs.
    public let addedTokens: [AddedToken]

    let spellings: [String: Int]
    private let tokenBytes: [[UInt8]?]
    let merges: BPEMerges
    private let specials: SpecialTokenMatcher
    private let cache = BPEWordCache()
    private static let longestCachedWord = 64

    /// A tokenizer over `vocabulary` (byte-level spelling to id) and `merges` (pairs of spellings, highest
    /// priority first). `source` names the file the values came from, for errors.
    public init(
        vocabulary: [String: Int], merges: [(String, String)], addedTokens: [AddedToken],
        preTokenizer: BPEPreTokenizer, source: String
    ) throws(TokenizerError) {
        try self.init(vocabulary: vocabulary, merges: merges, addedTokens: addedTokens, preTokenizer: preTokenizer,
                      source: source, fields: (vocabulary: "vocabulary", merges: "merges", addedTokens: "added tokens"))
    }

    /// As the public initializer, with errors naming the fields as the file calls them.
    init(
        vocabulary: [String: Int], merges: [(String, String)], addedTokens: [AddedToken],
        preTokenizer: BPEPreTokenizer, source: String, fields: (vocabulary: String, merges: String, addedTokens: String)
    ) throws(TokenizerError) {
        var size = 0
        for (token, id) in vocabulary {
            guard id >= 0 && id < Int(Int32.max) else {
                throw .malformed(file: source, field: fields.vocabulary, reason: "token \(token.debugDescription) has id \(id)")
            }
            size = max(size, id + 1)
        }
        var spellings = vocabulary
        for added in addedTokens {
            guard added.id >= 0 && added.id < Int(Int32.max), !added.content.isEmpty else {
                throw .malformed(file: source, field: fields.addedTokens,
                                 reason: "token \(added.content.debugDescription) with id \(added.id)")
            }
            size = max(size, added.id + 1)
            spellings[added.content] = added.id
        }
        var tokenBytes = [[UInt8]?](repeating: nil, count: size)
        for (token, id) in vocabulary {
            // A vocabulary entry outside the byte map (an added token kept in the vocabulary) is its own text.
            tokenBytes[id] = ByteLevelEncoding.decode(token) ?? Array(token.utf8)
        }
        for added in addedTokens { tokenBytes[added.id] = Array(added.content.utf8) }

        var table: [UInt64: UInt64] = [:]
        table.reserveCapacity(merges.count)
        for (rank, (left, right)) in merges.enumerated() {
            guard let leftID = vocabulary[left], let rightID = vocabulary[right], let mergedID = vocabulary[left + right] else {
                throw .malformed(file: source, field: "\(fields.merges)[\(rank)]",
                                 reason: "\(left.debugDescription) + \(right.debugDescription) is not in the vocabulary")
            }
            let key = BPEMerges.key(Int32(leftID), Int32(rightID))
            // A repeated pair keeps its first (highest-priority) rank, as Hugging Face does.
            if table[key] == nil { table[key] = UInt64(rank) << 32 | UInt64(mergedID) }
        }
        let byteIDs = ByteLevelEncoding.characterForByte.map { Int32(vocabulary[String($0)] ?? -1) }

        self.vocabularySize = size
        self.spellings = spellings
        self.tokenBytes = tokenBytes
        self.merges = BPEMerges(table: table, byteIDs: byteIDs)
        self.addedTokens = addedTokens
        self.specials = SpecialTokenMatcher(Dictionary(addedTokens.map { ($0.content, $0.id) }, uniquingKeysWith: { a, _ in a }))
        self.preTokenizer = preTokenizer
    }

    public func encode(_ text: String) -> [Int] {
        let bytes = Array(text.utf8)
        var ids: [Int] = []
        ids.reserveCapacity(bytes.count / 3)
        var words: [Range<Int>] = []
        for segment in specials.segments(bytes) {
            switch segment {
            case .special(let id):
                ids.append(id)
            case .text(let range):
                // A rewritten copy of the segment when normalization or the prefix space changes it (ASCII text is
                // its own NFC, so the common case copies nothing).
                var rewritten: [UInt8]? = nil
                if normalization == .nfc, bytes[range].contains(where: { $0 >= 0x80 }) {
                    let composed = Array(String(decoding: bytes[range], as: UTF8.self).precomposedStringWithCanonicalMapping.utf8)
                    if !composed.elementsEqual(bytes[range]) { rewritten = composed }
                }
                if preTokenizer.addPrefixSpace && (rewritten?.first ?? bytes[range.lowerBound]) != UInt8(ascii: " ") {
                    rewritten = [UInt8(ascii: " ")] + (rewritten ?? Array(bytes[range]))
                }
                if let rewritten {
                    encodeText(rewritten, 0..<rewritten.count, words: &words, into: &ids)
                } else {
                    encodeText(bytes, range, words: &words, into: &ids)
                }
            }
        }
        return ids
    }

    private func encodeText(_ bytes: [UInt8], _ range: Range<Int>, words: inout [Range<Int>], into ids: inout [Int]) {
        words.removeAll(keepingCapacity: true)
        preTokenizer.split(bytes, range, into: &words)
        for word in words {
            let merged: [Int32]
            if word.count == 1 {
                merged = [merges.byteIDs[Int(bytes[word.lowerBound])]]
            } else if word.count > Self.longestCachedWord {
                // Long words (a run of CJK text, a base64 blob) rarely repeat and would make the cache's
                // memory unbounded in bytes; merging them is O(n log n) anyway.
                merged = merges.merge(bytes[word])
            } else {
                merged = cache.ids(for: bytes[word], orMerge: merges.merge)
            }
            for id in merged {
                if id >= 0 {
                    ids.append(Int(id))
                } else if let unknownID {
                    ids.append(unknownID)
                }
            }
        }
    }

    public func bytes(of id: Int) -> [UInt8]? {
        guard id >= 0 && id < tokenBytes.count else { return nil }
        return tokenBytes[id]
    }

    public func id(of token: String) -> Int? {
        spellings[token]
    }

    public func renderChat(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws(TokenizerError) -> String {
        if let chatTemplateProblem { throw chatTemplateProblem }
        guard let chatTemplate else { throw .chatTemplate(reason: "this tokenizer has no chat template") }
        return chatTemplate.render(messages, addGenerationPrompt: addGenerationPrompt)
    }

    /// Reads `source` as the chat template, or keeps the reason it is unsupported for `renderChat` to throw.
    mutating func setChatTemplate(source: String) {
        chatTemplateSource = source
        do {
            chatTemplate = try ChatTemplate(jinja: source)
        } catch {
            chatTemplate = nil
            chatTemplateProblem = error
        }
    }
}
