/// A SentencePiece BPE vocabulary (LLaMA, Gemma): text with spaces written as U+2581 "▁" is cut into Unicode
/// scalars, each scalar that is not a piece falls back to its UTF-8 bytes (`<0xNN>` pieces), and adjacent
/// pieces merge pair by pair, the pair whose merged piece ranks best first (leftmost among equals).
///
/// The ranking is Hugging Face's for a vocabulary without a merge list: every way to cut a piece into two
/// pieces is a merge, ordered by the merged piece's priority (its score, or its position in the file), then
/// longer left part, then longer right part, then the order the pieces and cuts were listed in.
/// Control and user-defined pieces are matched whole in the raw text first (longest match, left to right).
///
/// The same type serves the three files a SentencePiece vocabulary comes in, which differ in how text is prepared
/// (`Pipeline`): a GGUF file's metadata (as above), a `tokenizer.model` (SentencePiece's own normalizer, BPE by
/// score with the leftmost pair first among equals or unigram Viterbi, control pieces never produced from text) and
/// a Hugging Face `tokenizer.json` (its merge list, normalizer, pre-tokenizer and decoder).
public struct SentencePieceTokenizer: Tokenizer {
    /// What makes one merged piece rank before another.
    public enum MergePriority: Sendable, Equatable {
        /// The piece's score, higher first (SentencePiece's own rule).
        case score
        /// The piece's position in the vocabulary, earlier first (Gemma's scores do not follow its merge order).
        case position
        /// SentencePiece's library: the merged piece's score, higher first, and among equal scores the leftmost pair,
        /// whichever pieces they make; only normal, user-defined and unused pieces are merged into.
        case sentencePiece
    }

    /// Where "▁" is put before a stretch of text.
    public enum Prefix: Sendable, Equatable {
        /// Never.
        case never
        /// Before the text when it does not start with a whole piece (GGUF's space prefix, Metaspace's `first`).
        case first
        /// Before every stretch between whole pieces (Metaspace's `always`, the legacy `Prepend` normalizer).
        case always
    }

    /// How the leading space of decoded text is treated.
    public enum LeadingSpace: Sendable, Equatable {
        /// Kept.
        case keep
        /// Up to this many leading spaces of the whole text are dropped (Hugging Face's `Strip` decoder).
        case strip(Int)
        /// SentencePiece's rule: the first piece that is not a control piece loses one leading "▁" (and so do the
        /// pieces after it while they decode to nothing, when normalizing removed extra whitespace).
        case firstPiece
    }

    /// How raw text becomes the pieces' string and back, where the three file kinds differ.
    struct Pipeline: Sendable {
        /// SentencePiece's normalizer; when set it replaces `prefix` and the space rule.
        var normalizer: SentencePieceNormalizer?
        var prefix: Prefix = .first
        /// Whether the prefix is left off text that already starts with "▁" (the Metaspace pre-tokenizer's rule).
        var prefixUnlessMetaspace = false
        /// Whether each "▁" starts a new word that merges on its own (Metaspace's `split`).
        var splitWords = false
        /// Pieces matched whole in the raw (or normalized) text, spelling to id; nil: control and user-defined ones.
        var wholePieces: [String: Int]?
        var byteFallback = true
        /// Whether consecutive unknown characters become one unknown piece.
        var fuseUnknown = true
        /// Whether a word that is a piece is taken whole before merging (Hugging Face's `ignore_merges`).
        var ignoreMerges = false
        var leadingSpace: LeadingSpace = .keep
        /// The unigram model: Viterbi over piece scores instead of merges.
        var unigram = false
        /// What an unknown piece decodes to (SentencePiece's `unk_surface`); nil: its spelling.
        var unknownSurface: String?
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
    /// Whether a sequence ends with EOS (`tokenizer_config.json`'s `add_eos_token`).
    public var addsEOS = false
    let pipeline: Pipeline

    // Keyed by UTF-8 bytes: Swift's String equality is canonical equivalence, and a vocabulary may hold pieces
    // that differ only so (";" U+003B and U+037E).
    private let scalarIDs: [UInt32: Int32]
    private let spellings: [ArraySlice<UInt8>: Int]
    private let tokenBytes: [[UInt8]]
    private let byteIDs: [Int32]
    private let merges: BPEMerges
    private let wholePieces: SpecialTokenMatcher
    private let types: [PieceType]
    /// For the unigram model: each piece's score and, for Viterbi, the pieces it may use (by UTF-8 spelling), the
    /// longest piece's length in bytes, and the scores SentencePiece gives unknown characters and user-defined pieces.
    private let scores: [Float]
    private let viterbiPieces: [ArraySlice<UInt8>: Int32]
    private let longestPiece: Int
    private let unknownScore: Float
    private let userDefinedScorePerByte: Float
    private let hasUnusedPieces: Bool

    /// A vocabulary of `pieces` with their `scores` and `types`; `source` names the file in errors.
    public init(pieces: [String], scores: [Float], types: [PieceType], addSpacePrefix: Bool, addsBOS: Bool,
                options: Options, source: String, field: String = "tokens") throws(TokenizerError) {
        try self.init(pieces: pieces, scores: scores, types: types, addSpacePrefix: addSpacePrefix, addsBOS: addsBOS,
                      options: options,
                      pipeline: Pipeline(prefix: addSpacePrefix ? .first : .never, leadingSpace: addSpacePrefix ? .strip(1) : .keep),
                      mergeList: nil, source: source, field: field)
    }

    /// The general form: `pipeline` says how text is prepared; `mergeList` (pairs of ids, highest priority first)
    /// replaces the merges derived from the pieces when the file lists its own.
    init(pieces: [String], scores: [Float], types: [PieceType], addSpacePrefix: Bool, addsBOS: Bool,
         options: Options, pipeline: Pipeline, mergeList: [(Int32, Int32, Int32)]?, source: String,
         field: String = "tokens") throws(TokenizerError) {
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
        self.pipeline = pipeline
        self.types = types
        self.scores = scores
        hasUnusedPieces = options.mergePriority == .sentencePiece && types.contains(.unused)

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
        wholePieces = SpecialTokenMatcher(pipeline.wholePieces ?? whole)

        if pipeline.unigram {
            // SentencePiece's lattice holds normal and user-defined pieces; unknown characters cost the lowest
            // normal score less 10; a user-defined piece scores (its length in bytes × the highest normal score) − 0.1.
            var viterbi: [ArraySlice<UInt8>: Int32] = [:]
            var lowest = Float.greatestFiniteMagnitude, highest = Float.leastNormalMagnitude
            for (id, piece) in pieces.enumerated() where types[id] == .normal || types[id] == .userDefined {
                let key = ArraySlice(piece.utf8)
                if !key.isEmpty, viterbi[key] == nil { viterbi[key] = Int32(id) }
                if types[id] == .normal {
                    lowest = min(lowest, scores[id])
                    highest = max(highest, scores[id])
                }
            }
            viterbiPieces = viterbi
            longestPiece = viterbi.keys.map(\.count).max() ?? 1
            unknownScore = lowest - 10
            userDefinedScorePerByte = highest
            merges = BPEMerges(table: [:], byteIDs: byteIDs)
        } else {
            viterbiPieces = [:]
            longestPiece = 0
            unknownScore = 0
            userDefinedScorePerByte = 0
            let table: [UInt64: UInt64]
            if let mergeList {
                var listed: [UInt64: UInt64] = [:]
                listed.reserveCapacity(mergeList.count)
                for (rank, (left, right, merged)) in mergeList.enumerated() {
                    let key = BPEMerges.key(left, right)
                    // A repeated pair keeps its first (highest-priority) rank, as Hugging Face does.
                    if listed[key] == nil { listed[key] = UInt64(rank) << 32 | UInt64(UInt32(merged)) }
                }
                table = listed
            } else {
                let mergeable: (Int) -> Bool = options.mergePriority == .sentencePiece
                    ? { [.normal, .userDefined, .unused].contains(types[$0]) } : { _ in true }
                table = Self.mergeTable(pieces: matched, ids: ids, order: firstSeen.filter(mergeable), scores: scores,
                                        priority: options.mergePriority)
            }
            merges = BPEMerges(table: table, byteIDs: byteIDs)
        }
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
            let value = priority == .position ? -Double(id) : Double(scores[id])
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
        // SentencePiece's own order ranks equal scores equally, so that the merge queue takes the leftmost pair.
        var rank = 0
        for (index, c) in candidates.enumerated() {
            if priority != .sentencePiece { rank = index } else if index > 0, candidates[index - 1].priority != c.priority { rank += 1 }
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
        var ids: [Int] = []
        if let normalizer = pipeline.normalizer {
            // SentencePiece normalizes the whole text (user-defined pieces pass unchanged), then cuts it.
            let normalized = normalizer.normalize(text)
            ids.reserveCapacity(normalized.count / 2)
            for segment in wholePieces.segments(normalized) {
                switch segment {
                case .special(let id): ids.append(id)
                case .text(let range): encodePieces(normalized[range], into: &ids)
                }
            }
            return ids
        }
        let bytes = Array(text.utf8)
        ids.reserveCapacity(bytes.count / 2)
        for segment in wholePieces.segments(bytes) {
            switch segment {
            case .special(let id):
                ids.append(id)
            case .text(let range):
                var spelled: [UInt8] = []
                spelled.reserveCapacity(range.count + 3)
                for byte in bytes[range] {
                    if byte == UInt8(ascii: " ") { spelled += [0xE2, 0x96, 0x81] } else { spelled.append(byte) }
                }
                if pipeline.prefix == .always || (pipeline.prefix == .first && range.lowerBound == 0),
                   !(pipeline.prefixUnlessMetaspace && spelled.starts(with: [0xE2, 0x96, 0x81])) {
                    spelled.insert(contentsOf: [0xE2, 0x96, 0x81], at: 0)
                }
                if pipeline.splitWords {
                    // Each "▁" begins a word; merges stay inside words.
                    var start = spelled.startIndex
                    for index in spelled.indices where index > start && spelled[index] == 0xE2
                        && index + 2 < spelled.count && spelled[index + 1] == 0x96 && spelled[index + 2] == 0x81 {
                        encodePieces(spelled[start..<index], into: &ids)
                        start = index
                    }
                    encodePieces(spelled[start...], into: &ids)
                } else {
                    encodePieces(spelled[...], into: &ids)
                }
            }
        }
        return ids
    }

    /// The ids of one stretch of prepared text (spaces already "▁"): characters, byte fallback, and merges or
    /// Viterbi.
    private func encodePieces(_ text: ArraySlice<UInt8>, into ids: inout [Int]) {
        guard !text.isEmpty else { return }
        if pipeline.ignoreMerges, let id = spellings[text] {
            ids.append(id)
            return
        }
        if pipeline.unigram {
            emit(viterbi(text), into: &ids)
            return
        }
        var symbols: [Int32] = []
        symbols.reserveCapacity(text.count)
        for scalar in String(decoding: text, as: UTF8.self).unicodeScalars {
            if let id = scalarIDs[scalar.value] {
                symbols.append(id)
            } else {
                appendFallback(scalar, to: &symbols)
            }
        }
        if hasUnusedPieces {
            // An unused piece may be merged into, then is split again into the pair it was last proposed from.
            var proposed: [Int32: (Int32, Int32)] = [:]
            let merged = merges.mergeSymbols(symbols) { left, right, piece in
                if types[Int(piece)] == .unused { proposed[piece] = (left, right) }
            }
            var resegmented: [Int32] = []
            func resegment(_ id: Int32) {
                if id >= 0, types[Int(id)] == .unused, let (left, right) = proposed[id] {
                    resegment(left)
                    resegment(right)
                } else {
                    resegmented.append(id)
                }
            }
            merged.forEach(resegment)
            emit(resegmented, into: &ids)
        } else {
            emit(merges.mergeSymbols(symbols), into: &ids)
        }
    }

    /// `scalar`'s byte pieces, or one unknown symbol (-1) when byte fallback is off or a byte piece is missing.
    private func appendFallback(_ scalar: Unicode.Scalar, to symbols: inout [Int32]) {
        if pipeline.byteFallback {
            let fallback = String(scalar).utf8.map { byteIDs[Int($0)] }
            if fallback.allSatisfy({ $0 >= 0 }) {
                symbols.append(contentsOf: fallback)
                return
            }
        }
        symbols.append(-1)
    }

    /// Appends `symbols`, an unknown symbol (negative) becoming the unknown piece (one for a run when fusing).
    private func emit(_ symbols: [Int32], into ids: inout [Int]) {
        var previousUnknown = false
        for id in symbols {
            if id >= 0 {
                ids.append(Int(id))
                previousUnknown = false
            } else if let unknownID {
                if !(previousUnknown && pipeline.fuseUnknown) { ids.append(unknownID) }
                previousUnknown = true
            }
        }
    }

    /// SentencePiece's unigram segmentation: the path of pieces with the highest total score (summed in float32,
    /// the first path found kept among equals); a character no piece starts with costs `unknownScore` and falls
    /// back to its bytes.
    private func viterbi(_ text: ArraySlice<UInt8>) -> [Int32] {
        let bytes = Array(text)
        let size = bytes.count
        // For each end position: the best score of a path ending there, where its last piece starts, and its id.
        var best = [Float](repeating: 0, count: size + 1)
        var startOf = [Int](repeating: -1, count: size + 1)
        var pieceOf = [Int32](repeating: -1, count: size + 1)
        var start = 0
        while start < size {
            let here = best[start]
            let characterLength = min(SentencePieceNormalizer.scalarLength(bytes[start]), size - start)
            var hasSingleCharacter = false
            var end = start + 1
            while end <= min(size, start + longestPiece) {
                if let id = viterbiPieces[bytes[start..<end]] {
                    let length = end - start
                    let score = types[Int(id)] == .userDefined ? Float(length) * userDefinedScorePerByte - 0.1 : scores[Int(id)]
                    let candidate = score + here
                    if startOf[end] == -1 || candidate > best[end] {
                        best[end] = candidate
                        startOf[end] = start
                        pieceOf[end] = id
                    }
                    if length == characterLength { hasSingleCharacter = true }
                }
                end += 1
            }
            if !hasSingleCharacter {
                let end = start + characterLength
                let candidate = unknownScore + here
                if startOf[end] == -1 || candidate > best[end] {
                    best[end] = candidate
                    startOf[end] = start
                    pieceOf[end] = -1
                }
            }
            start += characterLength
        }
        var path: [Int32] = []
        var end = size
        while end > 0 {
            let begin = startOf[end]
            if pieceOf[end] >= 0 {
                path.append(pieceOf[end])
            } else {
                // Reversed below, so the bytes go in backwards.
                var fallback: [Int32] = []
                for scalar in String(decoding: bytes[begin..<end], as: UTF8.self).unicodeScalars {
                    appendFallback(scalar, to: &fallback)
                }
                path.append(contentsOf: fallback.reversed())
            }
            end = begin
        }
        return path.reversed()
    }

    public func decode(_ ids: [Int]) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(ids.count * 4)
        var firstPiece = pipeline.leadingSpace == .firstPiece
        for id in ids {
            guard var piece = bytes(of: id) else {
                buffer.append(contentsOf: Array("\u{FFFD}".utf8))
                continue
            }
            if id == unknownID, let surface = pipeline.unknownSurface { piece = Array(surface.utf8) }
            if firstPiece && types[id] != .control {
                // SentencePiece drops the dummy prefix: one "▁" at the start of the first visible piece, and of the
                // pieces after it while they decode to nothing when extra whitespace was removed in normalizing.
                let text = types[id] != .byte && types[id] != .unknown
                if text && piece.first == UInt8(ascii: " ") { piece.removeFirst() }
                firstPiece = text && piece.isEmpty && pipeline.normalizer?.removeExtraWhitespaces == true
            }
            buffer.append(contentsOf: piece)
        }
        if case .strip(let count) = pipeline.leadingSpace {
            let spaces = buffer.prefix(count).prefix { $0 == UInt8(ascii: " ") }.count
            buffer.removeFirst(spaces)
        }
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
    /// `proposed` sees every (left, right, merged) pair put on the queue, in order.
    func mergeSymbols(_ symbols: [Int32], proposed: ((Int32, Int32, Int32) -> Void)? = nil) -> [Int32] {
        var ids = symbols
        let count = ids.count
        guard count > 1 else { return ids }
        var next = (0..<count).map { Int32($0 + 1) }
        next[count - 1] = -1
        var previous = (0..<count).map { Int32($0 - 1) }
        var alive = [Bool](repeating: true, count: count)
        var queue = RankQueue()
        func entry(_ left: Int32, _ right: Int32) -> UInt64? {
            guard left >= 0, right >= 0, let e = table[Self.key(left, right)] else { return nil }
            proposed?(left, right, Int32(truncatingIfNeeded: e & 0xFFFF_FFFF))
            return e
        }
        for i in 0..<(count - 1) {
            if let e = entry(ids[i], ids[i + 1]) { queue.push(rank: e >> 32, position: i) }
        }
        while let (rank, position) = queue.pop() {
            let right = Int(next[position])
            guard alive[position], right >= 0, ids[position] >= 0, ids[right] >= 0,
                  let e = table[Self.key(ids[position], ids[right])], e >> 32 == rank else { continue }
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
