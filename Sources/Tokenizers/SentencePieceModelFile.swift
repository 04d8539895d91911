import Foundation
import Support

/// What qlab reads of a SentencePiece `tokenizer.model` (the library's ModelProto message): the pieces, the
/// trainer's choices that tokenizing depends on, and the normalizer's settings.
public struct SentencePieceModelFile: Sendable {
    /// SentencePiece's segmentation algorithms (TrainerSpec.model_type).
    public enum Algorithm: Int, Sendable {
        case unigram = 1, bpe = 2, word = 3, character = 4
    }

    /// One vocabulary entry.
    public struct Piece: Sendable, Equatable {
        public var text: String
        public var score: Float
        public var type: SentencePieceTokenizer.PieceType
    }

    /// The normalizer's settings (NormalizerSpec); the defaults are the message's.
    public struct Normalizer: Sendable, Equatable {
        /// The rule's name (`nmt_nfkc`, `identity`, ...), for messages.
        public var name = ""
        /// The compiled rule: a character trie and the replacement strings; empty for `identity`.
        public var precompiledCharsmap: [UInt8] = []
        public var addDummyPrefix = true
        public var removeExtraWhitespaces = true
        public var escapeWhitespaces = true
        /// A rule given as text instead of compiled (only when training); qlab refuses one it would have to compile.
        public var ruleTSV = ""
    }

    public var path: String
    public var pieces: [Piece] = []
    public var algorithm: Algorithm = .unigram
    public var byteFallback = false
    public var treatWhitespaceAsSuffix = false
    public var unknownID = 0
    public var bosID = 1
    public var eosID = 2
    public var padID = -1
    /// The text an unknown piece decodes to.
    public var unknownSurface = " \u{2047} "
    public var normalizer = Normalizer()
    /// Whether a denormalizer (a rule applied to decoded text) is present; qlab does not apply one.
    public var hasDenormalizer = false

    /// Reads the file at `path`; every failure names the file, and a malformed one the byte offset.
    public init(path: String) throws(TokenizerError) {
        let data: Data
        do { try RegularFile.check(path) } catch { throw .unreadable(file: path, reason: error.message) }
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(file: path, reason: error.localizedDescription)
        }
        try self.init(bytes: Array(data), path: path)
    }

    /// Reads the message in `bytes`; `path` names it in errors.
    public init(bytes: [UInt8], path: String) throws(TokenizerError) {
        self.path = path
        do {
            try parse(bytes)
        } catch let failure {
            throw .malformed(file: path, field: "byte offset \(failure.offset)", reason: failure.reason)
        }
        guard !pieces.isEmpty else { throw .malformed(file: path, field: "pieces", reason: "the model has no pieces") }
    }

    private mutating func parse(_ bytes: [UInt8]) throws(ProtobufReader.Failure) {
        var reader = ProtobufReader(bytes)
        while let (number, value, offset) = try reader.next() {
            switch (number, value) {
            case (1, .bytes(let range)): pieces.append(try Self.piece(bytes, range, index: pieces.count))
            case (2, .bytes(let range)): try parseTrainer(bytes, range)
            case (3, .bytes(let range)): normalizer = try Self.normalizer(bytes, range)
            case (5, .bytes(let range)): hasDenormalizer = !(try Self.normalizer(bytes, range)).isIdentity
            case (1, _), (2, _), (3, _), (5, _):
                throw ProtobufReader.Failure(offset: offset, reason: "ModelProto field \(number) is not a length-delimited message")
            default: continue
            }
        }
    }

    private static func piece(_ bytes: [UInt8], _ range: Range<Int>, index: Int) throws(ProtobufReader.Failure) -> Piece {
        var reader = ProtobufReader(bytes, range: range)
        var piece = Piece(text: "", score: 0, type: .normal)
        while let (number, value, offset) = try reader.next() {
            switch (number, value) {
            case (1, .bytes(let r)): piece.text = try string(bytes, r, offset: offset, what: "pieces[\(index)].piece")
            case (2, .fixed32(let bits)): piece.score = Float(bitPattern: bits)
            case (3, .varint(let raw)):
                guard let type = SentencePieceTokenizer.PieceType(rawValue: Int(truncatingIfNeeded: raw)), raw <= 6 else {
                    throw ProtobufReader.Failure(offset: offset, reason: "pieces[\(index)].type is \(raw), not a piece type (1–6)")
                }
                piece.type = type
            case (1, _), (2, _), (3, _):
                throw ProtobufReader.Failure(offset: offset, reason: "pieces[\(index)] field \(number) has the wrong wire type")
            default: continue
            }
        }
        return piece
    }

    private mutating func parseTrainer(_ bytes: [UInt8], _ range: Range<Int>) throws(ProtobufReader.Failure) {
        var reader = ProtobufReader(bytes, range: range)
        while let (number, value, offset) = try reader.next() {
            func integer(_ name: String) throws(ProtobufReader.Failure) -> Int {
                // int32 fields: negative values are sign-extended to ten bytes on the wire.
                guard let raw = value.varint else {
                    throw ProtobufReader.Failure(offset: offset, reason: "trainer_spec.\(name) is not a varint")
                }
                return Int(Int32(truncatingIfNeeded: Int64(bitPattern: raw)))
            }
            switch number {
            case 3:
                let raw = try integer("model_type")
                guard let algorithm = Algorithm(rawValue: raw) else {
                    throw ProtobufReader.Failure(offset: offset, reason: "trainer_spec.model_type is \(raw), not 1–4")
                }
                self.algorithm = algorithm
            case 24: treatWhitespaceAsSuffix = try integer("treat_whitespace_as_suffix") != 0
            case 35: byteFallback = try integer("byte_fallback") != 0
            case 40: unknownID = try integer("unk_id")
            case 41: bosID = try integer("bos_id")
            case 42: eosID = try integer("eos_id")
            case 43: padID = try integer("pad_id")
            case 44:
                guard case .bytes(let r) = value else {
                    throw ProtobufReader.Failure(offset: offset, reason: "trainer_spec.unk_surface is not a string")
                }
                unknownSurface = try Self.string(bytes, r, offset: offset, what: "trainer_spec.unk_surface")
            default: continue
            }
        }
    }

    private static func normalizer(_ bytes: [UInt8], _ range: Range<Int>) throws(ProtobufReader.Failure) -> Normalizer {
        var reader = ProtobufReader(bytes, range: range)
        var spec = Normalizer()
        while let (number, value, offset) = try reader.next() {
            switch (number, value) {
            case (1, .bytes(let r)): spec.name = try string(bytes, r, offset: offset, what: "normalizer_spec.name")
            case (2, .bytes(let r)): spec.precompiledCharsmap = Array(bytes[r])
            case (3, .varint(let v)): spec.addDummyPrefix = v != 0
            case (4, .varint(let v)): spec.removeExtraWhitespaces = v != 0
            case (5, .varint(let v)): spec.escapeWhitespaces = v != 0
            case (6, .bytes(let r)): spec.ruleTSV = try string(bytes, r, offset: offset, what: "normalizer_spec.normalization_rule_tsv")
            case (1...6, _):
                throw ProtobufReader.Failure(offset: offset, reason: "normalizer_spec field \(number) has the wrong wire type")
            default: continue
            }
        }
        return spec
    }

    private static func string(_ bytes: [UInt8], _ range: Range<Int>, offset: Int, what: String) throws(ProtobufReader.Failure) -> String {
        guard let text = String(validating: bytes[range], as: UTF8.self) else {
            throw ProtobufReader.Failure(offset: offset, reason: "\(what) is not valid UTF-8")
        }
        return text
    }
}

extension SentencePieceModelFile.Normalizer {
    /// Whether the rule changes no character (the whitespace settings aside).
    var isIdentity: Bool { precompiledCharsmap.isEmpty && ruleTSV.isEmpty }
}
