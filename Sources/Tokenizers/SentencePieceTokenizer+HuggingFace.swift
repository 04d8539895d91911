import Foundation
import Support

extension SentencePieceTokenizer {
    /// Whether a parsed `tokenizer.json` is a SentencePiece-style BPE (LLaMA-1/2, Mistral, Chinese-LLaMA): byte
    /// fallback, or spaces written as "▁" by a Metaspace pre-tokenizer or a normalizer, rather than byte-level BPE.
    static func isSentencePieceStyle(_ json: JSONValue) -> Bool {
        if json["model"]?["byte_fallback"]?.bool == true { return true }
        func mentionsMetaspace(_ value: JSONValue?) -> Bool {
            guard let value, value != .null else { return false }
            if value["type"]?.string == "Metaspace" { return true }
            if value["type"]?.string == "Prepend" || value["type"]?.string == "Replace" { return true }
            for key in ["normalizers", "pretokenizers", "decoders"] {
                if let steps = value[key]?.array, steps.contains(where: { mentionsMetaspace($0) }) { return true }
            }
            return false
        }
        return mentionsMetaspace(json["normalizer"]) || mentionsMetaspace(json["pre_tokenizer"])
    }

    /// The tokenizer in a SentencePiece-style Hugging Face `tokenizer.json` (`model.type` BPE with its merge list,
    /// `byte_fallback`, `fuse_unk`; the normalizer `Prepend("▁")` + `Replace(" ", "▁")` or the `Metaspace`
    /// pre-tokenizer; the decoders `Replace`, `ByteFallback`, `Fuse`, `Strip`), with the `tokenizer_config.json`
    /// beside it. A component it does not implement is refused, naming its JSON path.
    public init(huggingFaceJSON path: String) throws(TokenizerError) {
        try self.init(huggingFaceJSON: try BPETokenizer.readJSON(path), path: path)
    }

    init(huggingFaceJSON json: JSONValue, path source: String) throws(TokenizerError) {
        func typeName(_ value: JSONValue) -> String { value["type"]?.string ?? "an object without a type" }
        guard let model = json["model"], model != .null else {
            throw .malformed(file: source, field: "model", reason: "missing")
        }
        if let type = model["type"], type != .null, type.string != "BPE" {
            throw .unsupported(file: source, field: "model.type", value: type.string ?? "\(type)", supported: "BPE")
        }
        if let dropout = model["dropout"]?.double, dropout > 0 {
            throw .unsupported(file: source, field: "model.dropout", value: "\(dropout)", supported: "null or 0")
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = model[key]?.string, !value.isEmpty {
                throw .unsupported(file: source, field: "model.\(key)", value: value.debugDescription, supported: "null")
            }
        }
        func flag(_ key: String, default fallback: Bool) throws(TokenizerError) -> Bool {
            guard let value = model[key], value != .null else { return fallback }
            guard let flag = value.bool else { throw .malformed(file: source, field: "model.\(key)", reason: "is not true or false") }
            return flag
        }

        // The vocabulary, with the added tokens that extend it, must name every id from 0 up.
        guard let vocabObject = model["vocab"]?.object else {
            throw .malformed(file: source, field: "model.vocab", reason: "missing or not an object of token to id")
        }
        var spelling: [Int: String] = [:]
        var ids: [String: Int] = [:]
        for (token, value) in vocabObject {
            guard let id = value.int, id >= 0, id < Int(Int32.max) else {
                throw .malformed(file: source, field: "model.vocab[\(token.debugDescription)]", reason: "is not a token id")
            }
            if spelling[id] != nil {
                throw .malformed(file: source, field: "model.vocab[\(token.debugDescription)]", reason: "id \(id) is given twice")
            }
            spelling[id] = token
            ids[token] = id
        }
        var whole: [String: Int] = [:]
        var special = Set<Int>()
        var addedIDs = Set<Int>()
        for (index, value) in (json["added_tokens"]?.array ?? []).enumerated() {
            let field = "added_tokens[\(index)]"
            guard let id = value["id"]?.int, id >= 0, id < Int(Int32.max), let content = value["content"]?.string, !content.isEmpty else {
                throw .malformed(file: source, field: field, reason: "needs an integer id and a non-empty content")
            }
            for key in ["single_word", "lstrip", "rstrip"] where value[key]?.bool == true {
                throw .unsupported(file: source, field: "\(field).\(key)", value: "true", supported: "false")
            }
            if value["normalized"]?.bool == true, content.contains(" ") || content.contains("\u{2581}") {
                // Matched in normalized text, where spaces are "▁": not reproduced for contents holding either.
                throw .unsupported(file: source, field: "\(field).normalized", value: "true for \(content.debugDescription)",
                                   supported: "false, or true for a token without spaces")
            }
            if let known = spelling[id], known != content {
                throw .malformed(file: source, field: field, reason: "id \(id) is \(known.debugDescription) in model.vocab")
            }
            spelling[id] = content
            whole[content] = id
            addedIDs.insert(id)
            if value["special"]?.bool == true { special.insert(id) }
        }
        let count = (spelling.keys.max() ?? -1) + 1
        guard count > 0 else { throw .malformed(file: source, field: "model.vocab", reason: "is empty") }
        guard spelling.count == count else {
            let missing = (0..<count).first { spelling[$0] == nil }!
            throw .malformed(file: source, field: "model.vocab", reason: "no token has id \(missing) (ids must run from 0 to \(count - 1))")
        }
        let unknown: Int?
        if let value = model["unk_token"], value != .null {
            guard let text = value.string, let id = ids[text] ?? whole[text] else {
                throw .malformed(file: source, field: "model.unk_token", reason: "\(value) is not in the vocabulary")
            }
            unknown = id
        } else {
            unknown = nil
        }
        var pieces: [String] = []
        var types: [PieceType] = []
        pieces.reserveCapacity(count)
        for id in 0..<count {
            let text = spelling[id]!
            pieces.append(text)
            if id == unknown { types.append(.unknown) }
            else if special.contains(id) { types.append(.control) }
            else if addedIDs.contains(id) { types.append(.userDefined) }
            else if Self.byteValue(text) != nil { types.append(.byte) }
            else { types.append(.normal) }
        }

        guard let mergeValues = model["merges"]?.array else {
            throw .malformed(file: source, field: "model.merges", reason: "missing or not an array")
        }
        var mergeList: [(Int32, Int32, Int32)] = []
        mergeList.reserveCapacity(mergeValues.count)
        for (index, value) in mergeValues.enumerated() {
            // Older files write "a b"; newer ones ["a", "b"], which allows spaces inside tokens.
            var pair: (String, String)?
            if let text = value.string {
                let parts = text.split(separator: " ", omittingEmptySubsequences: false)
                if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty { pair = (String(parts[0]), String(parts[1])) }
            } else if let items = value.array, items.count == 2, let left = items[0].string, let right = items[1].string {
                pair = (left, right)
            }
            guard let (left, right) = pair else {
                throw .malformed(file: source, field: "model.merges[\(index)]", reason: "is neither \"a b\" nor [\"a\", \"b\"]")
            }
            guard let l = ids[left], let r = ids[right], let merged = ids[left + right] else {
                throw .malformed(file: source, field: "model.merges[\(index)]",
                                 reason: "\(left.debugDescription) + \(right.debugDescription) is not in model.vocab")
            }
            mergeList.append((Int32(l), Int32(r), Int32(merged)))
        }

        var pipeline = Pipeline(prefix: .never, wholePieces: whole,
                                byteFallback: try flag("byte_fallback", default: false),
                                fuseUnknown: try flag("fuse_unk", default: false),
                                ignoreMerges: try flag("ignore_merges", default: false), leadingSpace: .keep)
        let spacesEscaped = try Self.readNormalizer(json["normalizer"] ?? .null, into: &pipeline, source: source)
        let preTokenized = try Self.readPreTokenizer(json["pre_tokenizer"] ?? .null, into: &pipeline, prefixSet: spacesEscaped.prefix,
                                                     source: source)
        guard spacesEscaped.spaces || preTokenized else {
            throw .unsupported(file: source, field: "pre_tokenizer", value: "null, and no normalizer writes spaces as \"▁\"",
                               supported: "Metaspace, or a Replace(\" \", \"▁\") normalizer")
        }
        try Self.readDecoder(json["decoder"] ?? .null, into: &pipeline, byteFallback: pipeline.byteFallback, source: source)

        try self.init(pieces: pieces, scores: [Float](repeating: 0, count: count), types: types,
                      addSpacePrefix: pipeline.prefix != .never, addsBOS: false, options: Options(), pipeline: pipeline,
                      mergeList: mergeList, source: source, field: "model.vocab")
        unknownID = unknown
        // The post-processor says which special tokens frame a sequence when the configuration does not.
        let post = json["post_processor"] ?? .null
        let framing = post["type"]?.string == "TemplateProcessing" ? (post["single"]?.array ?? []) : []
        let specialIDs = framing.compactMap { $0["SpecialToken"]?["id"]?.string }.map { id(of: $0) }
        if framing.first?["SpecialToken"] != nil, let first = specialIDs.first, let first {
            bosID = first
            addsBOS = true
        }
        if framing.count > 1, framing.last?["SpecialToken"] != nil, let last = specialIDs.last, let last {
            eosID = last
            addsEOS = true
        }
        if let config = try HuggingFaceTokenizerConfig.beside(source) { try config.apply(to: &self) }
    }

    /// Reads the normalizer: none, `Replace(" ", "▁")`, `Prepend("▁")`, or a `Sequence` of them. Returns whether
    /// spaces become "▁" and whether "▁" is prepended.
    private static func readNormalizer(_ value: JSONValue, into pipeline: inout Pipeline,
                                       source: String) throws(TokenizerError) -> (spaces: Bool, prefix: Bool) {
        guard value != .null else { return (false, false) }
        let steps: [(JSONValue, String)]
        if value["type"]?.string == "Sequence" {
            guard let list = value["normalizers"]?.array else {
                throw .malformed(file: source, field: "normalizer.normalizers", reason: "missing or not an array")
            }
            steps = list.enumerated().map { ($1, "normalizer.normalizers[\($0)]") }
        } else {
            steps = [(value, "normalizer")]
        }
        var spaces = false, prefix = false
        for (step, field) in steps {
            switch step["type"]?.string {
            case "Replace":
                guard step["pattern"]?["String"]?.string == " ", step["content"]?.string == "\u{2581}" else {
                    throw .unsupported(file: source, field: "\(field).pattern", value: "\(step["pattern"] ?? .null) → \(step["content"] ?? .null)",
                                       supported: "{\"String\": \" \"} replaced by \"▁\"")
                }
                spaces = true
            case "Prepend":
                guard step["prepend"]?.string == "\u{2581}" else {
                    throw .unsupported(file: source, field: "\(field).prepend", value: "\(step["prepend"] ?? .null)", supported: "\"▁\"")
                }
                prefix = true
            default:
                throw .unsupported(file: source, field: "\(field).type", value: step["type"]?.string ?? "an object without a type",
                                   supported: "Replace(\" \", \"▁\"), Prepend(\"▁\"), or a Sequence of them")
            }
        }
        // Hugging Face normalizes each stretch between added tokens on its own, so each gets the "▁".
        if prefix { pipeline.prefix = .always }
        return (spaces, prefix)
    }

    /// Reads the pre-tokenizer: none, or `Metaspace` (replacement "▁", `prepend_scheme` always/first/never or the
    /// older `add_prefix_space`, `split`), alone or as a one-step `Sequence`. Returns whether there is one.
    private static func readPreTokenizer(_ value: JSONValue, into pipeline: inout Pipeline, prefixSet: Bool,
                                         source: String) throws(TokenizerError) -> Bool {
        guard value != .null else { return false }
        var step = value, field = "pre_tokenizer"
        if value["type"]?.string == "Sequence", let list = value["pretokenizers"]?.array, list.count == 1 {
            step = list[0]
            field = "pre_tokenizer.pretokenizers[0]"
        }
        guard step["type"]?.string == "Metaspace" else {
            throw .unsupported(file: source, field: "\(field).type", value: step["type"]?.string ?? "an object without a type",
                               supported: "Metaspace")
        }
        guard step["replacement"]?.string ?? "\u{2581}" == "\u{2581}" else {
            throw .unsupported(file: source, field: "\(field).replacement", value: "\(step["replacement"] ?? .null)", supported: "\"▁\"")
        }
        let scheme: Prefix
        if let name = step["prepend_scheme"]?.string {
            switch name {
            case "always": scheme = .always
            case "first": scheme = .first
            case "never": scheme = .never
            default:
                throw .unsupported(file: source, field: "\(field).prepend_scheme", value: name, supported: "always, first, never")
            }
        } else {
            scheme = step["add_prefix_space"]?.bool ?? true ? .always : .never
        }
        if scheme != .never && prefixSet {
            throw .unsupported(file: source, field: "\(field).prepend_scheme", value: "a second \"▁\" prefix after the normalizer's",
                               supported: "never when the normalizer prepends")
        }
        if scheme != .never {
            pipeline.prefix = scheme
            pipeline.prefixUnlessMetaspace = true
        }
        pipeline.splitWords = step["split"]?.bool ?? true
        return true
    }

    /// Reads the decoder: a `Sequence` of `Replace("▁", " ")`, `ByteFallback`, `Fuse` and `Strip(" ", n, 0)`, or a
    /// `Metaspace` decoder.
    private static func readDecoder(_ value: JSONValue, into pipeline: inout Pipeline, byteFallback: Bool,
                                    source: String) throws(TokenizerError) {
        let supported = "Metaspace, or a Sequence of Replace(\"▁\", \" \"), ByteFallback, Fuse and Strip(\" \", n, 0)"
        guard value != .null else {
            throw .unsupported(file: source, field: "decoder", value: "null", supported: supported)
        }
        if value["type"]?.string == "Metaspace" {
            let scheme = value["prepend_scheme"]?.string ?? (value["add_prefix_space"]?.bool ?? true ? "always" : "never")
            pipeline.leadingSpace = scheme == "never" ? .keep : .strip(1)
            return
        }
        guard value["type"]?.string == "Sequence", let steps = value["decoders"]?.array else {
            throw .unsupported(file: source, field: "decoder.type", value: value["type"]?.string ?? "an object without a type",
                               supported: supported)
        }
        var replaces = false, bytes = false
        for (index, step) in steps.enumerated() {
            let field = "decoder.decoders[\(index)]"
            switch step["type"]?.string {
            case "Replace":
                guard step["pattern"]?["String"]?.string == "\u{2581}", step["content"]?.string == " " else {
                    throw .unsupported(file: source, field: "\(field).pattern", value: "\(step["pattern"] ?? .null) → \(step["content"] ?? .null)",
                                       supported: "{\"String\": \"▁\"} replaced by \" \"")
                }
                replaces = true
            case "ByteFallback": bytes = true
            case "Fuse": break
            case "Strip":
                guard step["content"]?.string == " ", step["stop"]?.int ?? 0 == 0, let start = step["start"]?.int, start >= 0 else {
                    throw .unsupported(file: source, field: field, value: "\(step)", supported: "Strip(content \" \", start n, stop 0)")
                }
                pipeline.leadingSpace = .strip(start)
            default:
                throw .unsupported(file: source, field: "\(field).type", value: step["type"]?.string ?? "an object without a type",
                                   supported: supported)
            }
        }
        guard replaces else {
            throw .unsupported(file: source, field: "decoder.decoders", value: "no Replace(\"▁\", \" \")", supported: supported)
        }
        guard bytes || !byteFallback else {
            throw .unsupported(file: source, field: "decoder.decoders", value: "no ByteFallback with model.byte_fallback true",
                               supported: supported)
        }
    }
}
