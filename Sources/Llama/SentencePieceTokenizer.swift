/// A SentencePiece BPE vocabulary (LLaMA, Gemma): text with spaces written as U+2581 "▁" is cut into Unicode
/// scalars, each scalar that is not a piece falls back to its UTF-8 bytes (`<0xNN>` pieces), and adjacent
/// pieces merge pair by pair, the pair whose merged piece ranks best first (leftmost among equals).
///
/// The ranking is Hugging Face's for a vocabulary without a merge list: every way to cut a piece into two
/// pieces is a merge, ordered by the merged piece's priority (its score, or its position in the file), then
/// longer left part, then longer right part, then the order the pieces and cuts were listed in.
/// Control and user-defined pieces are matched whole in the raw text first (longest match, left to right).
public struct SentencePieceTokenizer: Tokenizer {
    /// What makes one merged piece rank before another.
    public enum MergePriority: Sendable, Equatable {
        /// The piece's score, higher first (SentencePiece's own rule).
        case score
        /// The piece's position in the vocabulary, earlier first (Gemma's scores do not follow its merge order).
        case position
    }

    /// The choices a vocabulary file does not state, which depend on the model family.
    public struct Options: Sendable, Equatable {
        /// How merges are ranked.
        public var mergePriority: MergePriority
        /// Whether whitespace-only pieces containing a space (stored with real spaces) stand for runs of "▁".
        public var spaceRunsAreMetaspace: Bool

        /// Options from their fields.
        public init(mergePriority: MergePriority = .score, spaceRunsAreMetaspace: Bool = false) {
            self.mergePriority = mergePriority
            self.spaceRunsAreMetaspace = spaceRunsAreMetaspace
        }
    }

    /// SentencePiece's piece kinds, as GGUF numbers them (`tokenizer.ggml.token_type`).
    public enum PieceType: Int, Sendable {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    /// The character SentencePiece writes for a space.
    public static let metaspace: Unicode.Scalar = "\u{2581}"

    public let vocabularySize: Int
    public var bosID: Int?
    public var eosID: Int?
    public var padID: Int?
    /// The id of scalars that are neither pieces nor expressible as byte pieces.
    public var unknownID: Int?
    public var chatTemplate: ChatTemplate?
    /// Whether a sequence starts with BOS (`tokenizer.ggml.add_bos_token`).
    public var addsBOS: Bool
    /// Whether "▁" is put before the text (`tokenizer.ggml.add_space_prefix`); decoding then drops it.
    public let addSpacePrefix: Bool

    // Keyed by UTF-8 bytes: Swift's String equality is canonical equivalence, and a vocabulary may hold pieces
    // that differ only so (";" U+003B and U+037E).
    private let scalarIDs: [UInt32: Int32]
    private let spellings: [ArraySlice<UInt8>: Int]
    private let tokenBytes: [[UInt8]]
    private let byteIDs: [Int32]
    private let merges: BPEMerges
    private let wholePieces: SpecialTokenMatcher

    /// A vocabulary of `pieces` with their `scores` and `types`; `source` names the file in errors.
    public init(pieces: [String], scores: [Float], types: [PieceType], addSpacePrefix: Bool, addsBOS: Bool,
                options: Options, source: String, field: String = "tokens") throws(TokenizerError) {
        guard !pieces.isEmpty, pieces.count < Int(Int32.max) else {
            throw .malformed(file: source, field: field, reason: "holds \(pieces.count) pieces")
        }
        guard scores.count == pieces.count, types.count == pieces.count else {
            throw .malformed(file: source, field: field,
                             reason: "\(pieces.count) pieces but \(scores.count) scores and \(types.count) types")
        }
        vocabularySize = pieces.count
        self.addSpacePrefix = addSpacePrefix
        self.addsBOS = addsBOS

        // The pieces as matched in normalized text; a later duplicate wins, as in a Python dict built in order.
        let matched = (options.spaceRunsAreMetaspace ? pieces.map(Self.metaspaceSpelling) : pieces).map { ArraySlice($0.utf8) }
        var ids: [ArraySlice<UInt8>: Int] = [:]
        var firstSeen: [Int] = []
        ids.reserveCapacity(pieces.count)
        for (id, piece) in matched.enumerated() {
            if ids.updateValue(id, forKey: piece) == nil { firstSeen.append(id) }
        }
        var scalarIDs: [UInt32: Int32] = [:]
        for (piece, id) in ids {
            let scalars = String(decoding: piece, as: UTF8.self).unicodeScalars
            if scalars.count == 1 { scalarIDs[scalars.first!.value] = Int32(id) }
        }
        self.scalarIDs = scalarIDs

        var bytes: [[UInt8]] = []
        bytes.reserveCapacity(pieces.count)
        var byteIDs = [Int32](repeating: -1, count: 256)
        for (id, piece) in pieces.enumerated() {
            if types[id] == .byte, let value = Self.byteValue(piece) {
                bytes.append([value])
                if byteIDs[Int(value)] < 0 { byteIDs[Int(value)] = Int32(id) }
            } else {
                bytes.append(Array(String(String.UnicodeScalarView(piece.unicodeScalars.map { $0 == Self.metaspace ? " " : $0 })).utf8))
            }
        }
        // Hugging Face looks byte pieces up by their spelling, whatever their type.
        for value in 0..<256 where byteIDs[value] < 0 {
            if let id = ids[ArraySlice(Self.byteSpelling(UInt8(value)).utf8)] { byteIDs[value] = Int32(id) }
        }
        tokenBytes = bytes
        self.byteIDs = byteIDs

        var spellings = ids
        for (id, piece) in pieces.enumerated() where spellings[ArraySlice(piece.utf8)] == nil { spellings[ArraySlice(piece.utf8)] = id }
        self.spellings = spellings

        // Control pieces are matched whole in raw text, user-defined ones when they are still pieces as spelled.
        var whole: [String: Int] = [:]
        for (id, piece) in pieces.enumerated() where !piece.isEmpty {
            switch types[id] {
            case .control: if whole[piece] == nil { whole[piece] = id }
            case .userDefined: if let known = ids[ArraySlice(piece.utf8)], whole[piece] == nil { whole[piece] = known }
            default: break
            }
        }
        wholePieces = SpecialTokenMatcher(whole)

        merges = BPEMerges(table: Self.mergeTable(pieces: matched, ids: ids, order: firstSeen, scores: scores,
                                                  priority: options.mergePriority),
                           byteIDs: byteIDs)
    }

    /// Every split of every piece into two pieces, ranked as described on the type.
    private static func mergeTable(pieces: [ArraySlice<UInt8>], ids: [ArraySlice<UInt8>: Int], order: [Int], scores: [Float],
                                   priority: MergePriority) -> [UInt64: UInt64] {
        struct Candidate {
            var priority: Double, left: Int32, right: Int32, leftLength: Int32, rightLength: Int32, merged: Int32, sequence: Int32
        }
        var candidates: [Candidate] = []
        var local: [Candidate] = []
        for first in order {
            let piece = pieces[first]
            let id = ids[piece]!
            let value = priority == .score ? Double(scores[id]) : -Double(id)
            local.removeAll(keepingCapacity: true)
            // Cuts fall between scalars: before every byte that does not continue a UTF-8 sequence.
            let total = Int32(piece.reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) })
            var leftLength: Int32 = 0
            for cut in piece.indices where piece[cut] & 0xC0 != 0x80 {
                defer { leftLength += 1 }
                guard cut > piece.startIndex else { continue }
                if let left = ids[piece[..<cut]], let right = ids[piece[cut...]] {
                    local.append(Candidate(priority: value, left: Int32(left), right: Int32(right), leftLength: leftLength,
                                           rightLength: total - leftLength, merged: Int32(id), sequence: 0))
                }
            }
            local.sort { ($0.left, $0.right) < ($1.left, $1.right) }
            for var candidate in local {
                candidate.sequence = Int32(candidates.count)
                candidates.append(candidate)
            }
        }
        candidates.sort {
            if $0.priority != $1.priority { return $0.priority > $1.priority }
            if $0.leftLength != $1.leftLength { return $0.leftLength > $1.leftLength }
            if $0.rightLength != $1.rightLength { return $0.rightLength > $1.rightLength }
            return $0.sequence < $1.sequence
        }
        var table: [UInt64: UInt64] = [:]
        table.reserveCapacity(candidates.count)
        for (rank, c) in candidates.enumerated() {
            let key = BPEMerges.key(c.left, c.right)
            if table[key] == nil { table[key] = UInt64(rank) << 32 | UInt64(UInt32(c.merged)) }
        }
        return table
    }

    /// `piece` with each character a "▁" when it is whitespace only and holds a space.
    static func metaspaceSpelling(_ piece: String) -> String {
        let scalars = piece.unicodeScalars
        guard scalars.contains(" "), scalars.allSatisfy(isPythonWhitespace) else { return piece }
        return String(repeating: "\u{2581}", count: scalars.count)
    }

    /// Python's `str.isspace` for one scalar: Unicode White_Space plus the four ASCII separators 0x1C–0x1F.
    private static func isPythonWhitespace(_ s: Unicode.Scalar) -> Bool {
        s.properties.isWhitespace || (0x1C...0x1F).contains(s.value)
    }

    /// The byte a piece spelled `<0xNN>` stands for.
    static func byteValue(_ piece: String) -> UInt8? {
        let utf8 = Array(piece.utf8)
        guard utf8.count == 6, piece.hasPrefix("<0x"), piece.hasSuffix(">") else { return nil }
        return UInt8(String(decoding: utf8[3..<5], as: UTF8.self), radix: 16)
    }

    static func byteSpelling(_ value: UInt8) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "<0x" + (hex.count == 1 ? "0" + hex : hex) + ">"
    }

    public func encode(_ text: String) -> [Int] {
        let bytes = Array(text.utf8)
        var ids: [Int] = []
        ids.reserveCapacity(bytes.count / 2)
        for segment in wholePieces.segments(bytes) {
            switch segment {
            case .special(let id):
                ids.append(id)
            case .text(let range):
                encodeText(String(decoding: bytes[range], as: UTF8.self), atStart: range.lowerBound == 0, into: &ids)
            }
        }
        return ids
    }

    /// Normalizes (spaces to "▁", the prefix when asked), falls back to bytes, and merges one stretch of text.
    private func encodeText(_ text: String, atStart: Bool, into ids: inout [Int]) {
        var symbols: [Int32] = []
        symbols.reserveCapacity(text.utf8.count)
        func add(_ scalar: Unicode.Scalar) {
            if let id = scalarIDs[scalar.value] {
                symbols.append(id)
                return
            }
            var encoded: [UInt8] = []
            encoded.append(contentsOf: String(scalar).utf8)
            let fallback = encoded.map { byteIDs[Int($0)] }
            if fallback.allSatisfy({ $0 >= 0 }) {
                symbols.append(contentsOf: fallback)
            } else {
                symbols.append(-1)
            }
        }
        if addSpacePrefix && atStart { add(Self.metaspace) }
        for scalar in text.unicodeScalars { add(scalar == " " ? Self.metaspace : scalar) }
        let merged = merges.mergeSymbols(symbols)
        var previousUnknown = false
        for id in merged {
            if id >= 0 {
                ids.append(Int(id))
                previousUnknown = false
            } else if let unknownID {
                // Consecutive unknown scalars become one unknown piece.
                if !previousUnknown { ids.append(unknownID) }
                previousUnknown = true
            }
        }
    }

    public func decode(_ ids: [Int]) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(ids.count * 4)
        for id in ids { buffer.append(contentsOf: bytes(of: id) ?? Array("\u{FFFD}".utf8)) }
        if addSpacePrefix, buffer.first == UInt8(ascii: " ") { buffer.removeFirst() }
        return String(decoding: buffer, as: UTF8.self)
    }

    public func bytes(of id: Int) -> [UInt8]? {
        guard id >= 0 && id < tokenBytes.count else { return nil }
        return tokenBytes[id]
    }

    public func id(of token: String) -> Int? {
        spellings[ArraySlice(token.utf8)]
    }
}

extension BPEMerges {
    /// The ids `symbols` merge into (a negative symbol never merges), lowest rank first and leftmost first among
    /// equal ranks, in O(n log n) over a linked list.
    func mergeSymbols(_ symbols: [Int32]) -> [Int32] {
        var ids = symbols
        let count = ids.count
        guard count > 1 else { return ids }
        var next = (0..<count).map { Int32($0 + 1) }
        next[count - 1] = -1
        var previous = (0..<count).map { Int32($0 - 1) }
        var alive = [Bool](repeating: true, count: count)
        var queue = RankQueue()
        func entry(_ left: Int32, _ right: Int32) -> UInt64? {
            left < 0 || right < 0 ? nil : table[Self.key(left, right)]
        }
        for i in 0..<(count - 1) {
            if let e = entry(ids[i], ids[i + 1]) { queue.push(rank: e >> 32, position: i) }
        }
        while let (rank, position) = queue.pop() {
            let right = Int(next[position])
            guard alive[position], right >= 0, let e = entry(ids[position], ids[right]), e >> 32 == rank else { continue }
            ids[position] = Int32(truncatingIfNeeded: e & 0xFFFF_FFFF)
            alive[right] = false
            let after = next[right]
            next[position] = after
            if after >= 0 { previous[Int(after)] = Int32(position) }
            let before = Int(previous[position])
            if before >= 0, let e = entry(ids[before], ids[position]) { queue.push(rank: e >> 32, position: before) }
            if after >= 0, let e = entry(ids[position], ids[Int(after)]) { queue.push(rank: e >> 32, position: position) }
        }
        var result: [Int32] = []
        var index: Int32 = 0
        while index >= 0 {
            result.append(ids[Int(index)])
            index = next[Int(index)]
        }
        return result
    }
}
