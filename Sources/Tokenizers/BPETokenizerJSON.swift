import Foundation
import Support
import Tensors

extension BPETokenizer {
    /// The tokenizer in a Hugging Face `tokenizer.json` (a byte-level BPE model), with the special-token roles
    /// and chat template of the `tokenizer_config.json` beside it when there is one.
    public init(huggingFaceJSON path: String) throws(TokenizerError) {
        let json = try Self.readJSON(path)
        let file = (path as NSString).lastPathComponent
        let source = path

        let model = try Self.field(json, "model", in: source)
        if let type = model["type"], type != .null {
            guard type.string == "BPE" else {
                throw .unsupported(file: source, field: "model.type", value: "\(type.string ?? "\(type)")", supported: "BPE")
            }
        }
        if let fallback = model["byte_fallback"]?.bool, fallback {
            throw .unsupported(file: source, field: "model.byte_fallback", value: "true", supported: "false")
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = model[key]?.string, !value.isEmpty {
                throw .unsupported(file: source, field: "model.\(key)", value: value.debugDescription, supported: "null")
            }
        }
        if let dropout = model["dropout"]?.double, dropout > 0 {
            // Dropout randomises merges, which is for training a vocabulary, not for using one.
            throw .unsupported(file: source, field: "model.dropout", value: "\(dropout)", supported: "null or 0")
        }
        guard let vocabObject = try Self.field(model, "vocab", in: source, path: "model").object else {
            throw .malformed(file: source, field: "model.vocab", reason: "is not an object of token to id")
        }
        var vocabulary: [String: Int] = [:]
        vocabulary.reserveCapacity(vocabObject.count)
        for (token, value) in vocabObject {
            guard let id = value.int else {
                throw .malformed(file: source, field: "model.vocab[\(token.debugDescription)]", reason: "is not an integer id")
            }
            vocabulary[token] = id
        }
        guard let mergeValues = try Self.field(model, "merges", in: source, path: "model").array else {
            throw .malformed(file: source, field: "model.merges", reason: "is not an array")
        }
        var merges: [(String, String)] = []
        merges.reserveCapacity(mergeValues.count)
        for (index, value) in mergeValues.enumerated() {
            // Older files write "a b"; newer ones ["a", "b"], which allows spaces inside tokens.
            if let text = value.string {
                let parts = text.split(separator: " ", omittingEmptySubsequences: false)
                if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty {
                    merges.append((String(parts[0]), String(parts[1])))
                    continue
                }
            } else if let pair = value.array, pair.count == 2, let left = pair[0].string, let right = pair[1].string {
                merges.append((left, right))
                continue
            }
            throw .malformed(file: source, field: "model.merges[\(index)]",
                             reason: "is neither \"a b\" nor [\"a\", \"b\"]")
        }

        var added: [AddedToken] = []
        for (index, value) in (json["added_tokens"]?.array ?? []).enumerated() {
            let field = "added_tokens[\(index)]"
            guard let id = value["id"]?.int, let content = value["content"]?.string, !content.isEmpty else {
                throw .malformed(file: source, field: field, reason: "needs an integer id and a non-empty content")
            }
            for flag in ["single_word", "lstrip", "rstrip"] where value[flag]?.bool == true {
                throw .unsupported(file: source, field: "\(field).\(flag)", value: "true", supported: "false")
            }
            added.append(AddedToken(content: content, id: id, special: value["special"]?.bool ?? false))
        }

        var normalization = Normalization.none
        if let normalizer = json["normalizer"], normalizer != .null {
            guard normalizer["type"]?.string == "NFC" else {
                throw .unsupported(file: source, field: "normalizer.type", value: Self.typeName(normalizer), supported: "null or NFC")
            }
            normalization = .nfc
        }
        let preTokenizer = try Self.preTokenizer(json["pre_tokenizer"] ?? .null, in: source)
        if let decoder = json["decoder"], decoder != .null, decoder["type"]?.string != "ByteLevel" {
            throw .unsupported(file: source, field: "decoder.type", value: Self.typeName(decoder), supported: "ByteLevel")
        }

        try self.init(vocabulary: vocabulary, merges: merges, addedTokens: added, preTokenizer: preTokenizer, source: source,
                      fields: (vocabulary: "model.vocab", merges: "model.merges", addedTokens: "added_tokens"))
        if let unknown = model["unk_token"]?.string {
            guard let id = id(of: unknown) else {
                throw .malformed(file: source, field: "model.unk_token", reason: "\(unknown.debugDescription) is not in the vocabulary")
            }
            unknownID = id
        }
        self.normalization = normalization
        let configPath = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("tokenizer_config.json")
        if file != "tokenizer_config.json", FileManager.default.fileExists(atPath: configPath) {
            try applyConfig(Self.readJSON(configPath), source: configPath)
        }
    }

    /// Takes the bos/eos/pad roles and the chat template from a `tokenizer_config.json`.
    private mutating func applyConfig(_ config: JSONValue, source: String) throws(TokenizerError) {
        func role(_ key: String) throws(TokenizerError) -> Int? {
            guard let value = config[key], value != .null else { return nil }
            // Written either as the token's text or as an added-token object with a "content" field.
            guard let content = value.string ?? value["content"]?.string else {
                throw .malformed(file: source, field: key, reason: "is neither a string nor an object with content")
            }
            guard let id = id(of: content) else {
                throw .malformed(file: source, field: key, reason: "\(content.debugDescription) is not in the vocabulary")
            }
            return id
        }
        bosID = try role("bos_token")
        eosID = try role("eos_token")
        padID = try role("pad_token")
        if let unknown = try role("unk_token") { unknownID = unknown }
        if let template = config["chat_template"], template != .null {
            guard let text = template.string else {
                // A list of named templates (tool use and the like) is beyond the ChatML subset.
                throw .unsupported(file: source, field: "chat_template", value: "a list of named templates",
                                   supported: "a single template string")
            }
            setChatTemplate(source: text)
        }
    }

    /// What the pre-tokenizers this reader knows are, for errors.
    private static let supportedPreTokenizers = "ByteLevel, Sequence of Digits(individual_digits: true) and ByteLevel, "
        + "or Sequence of Split(Qwen2's regex, Isolated) and ByteLevel(use_regex: false)"

    /// `ByteLevel`, `Sequence[Digits(individual_digits), ByteLevel]` as SmolLM2 writes it, or
    /// `Sequence[Split(regex, Isolated), ByteLevel(use_regex: false)]` with Qwen2's regex, as Qwen writes it.
    private static func preTokenizer(_ value: JSONValue, in source: String) throws(TokenizerError) -> BPEPreTokenizer {
        func byteLevel(_ value: JSONValue, field: String) throws(TokenizerError) -> BPEPreTokenizer {
            guard value["type"]?.string == "ByteLevel" else {
                throw .unsupported(file: source, field: "\(field).type", value: typeName(value), supported: supportedPreTokenizers)
            }
            return BPEPreTokenizer(splitDigits: false, useRegex: value["use_regex"]?.bool ?? true,
                                   addPrefixSpace: value["add_prefix_space"]?.bool ?? false)
        }
        guard value != .null else {
            throw .unsupported(file: source, field: "pre_tokenizer", value: "null", supported: supportedPreTokenizers)
        }
        guard value["type"]?.string == "Sequence" else { return try byteLevel(value, field: "pre_tokenizer") }
        guard let steps = value["pretokenizers"]?.array else {
            throw .malformed(file: source, field: "pre_tokenizer.pretokenizers", reason: "missing or not an array")
        }
        if steps.count == 1 { return try byteLevel(steps[0], field: "pre_tokenizer.pretokenizers[0]") }
        if steps.count == 2, steps[0]["type"]?.string == "Split" { return try split(steps, in: source) }
        guard steps.count == 2, steps[0]["type"]?.string == "Digits" else {
            throw .unsupported(file: source, field: "pre_tokenizer.pretokenizers",
                               value: "[" + steps.map(typeName).joined(separator: ", ") + "]",
                               supported: "[ByteLevel] or [Digits, ByteLevel]")
        }
        guard steps[0]["individual_digits"]?.bool == true else {
            throw .unsupported(file: source, field: "pre_tokenizer.pretokenizers[0].individual_digits",
                               value: "false", supported: "true")
        }
        var result = try byteLevel(steps[1], field: "pre_tokenizer.pretokenizers[1]")
        guard !result.addPrefixSpace else {
            // Hugging Face adds the prefix space to every piece the digit split leaves; not reproduced here.
            throw .unsupported(file: source, field: "pre_tokenizer.pretokenizers[1].add_prefix_space",
                               value: "true", supported: "false after Digits")
        }
        result.splitDigits = true
        return result
    }

    /// `Sequence[Split(regex, Isolated), ByteLevel(use_regex: false)]`, the split's regex one this scanner implements.
    private static func split(_ steps: [JSONValue], in source: String) throws(TokenizerError) -> BPEPreTokenizer {
        let field = "pre_tokenizer.pretokenizers[0]"
        let split = steps[0]
        guard let regex = split["pattern"]?["Regex"]?.string else {
            throw .unsupported(file: source, field: "\(field).pattern", value: split["pattern"].map { "\($0)" } ?? "missing",
                               supported: "{\"Regex\": Qwen2's pattern}")
        }
        guard regex == BPEPreTokenizer.Pattern.qwen2Regex else {
            throw .unsupported(file: source, field: "\(field).pattern.Regex", value: regex.debugDescription,
                               supported: "Qwen2's pattern \(BPEPreTokenizer.Pattern.qwen2Regex.debugDescription)")
        }
        let behavior = split["behavior"]?.string ?? "missing"
        guard behavior == "Isolated" else {
            throw .unsupported(file: source, field: "\(field).behavior", value: behavior, supported: "Isolated")
        }
        if split["invert"]?.bool == true {
            throw .unsupported(file: source, field: "\(field).invert", value: "true", supported: "false")
        }
        let level = steps[1]
        guard level["type"]?.string == "ByteLevel" else {
            throw .unsupported(file: source, field: "pre_tokenizer.pretokenizers[1].type", value: typeName(level), supported: "ByteLevel")
        }
        // After the split, ByteLevel must only map bytes: its own regex or a prefix space would cut or change the words.
        for (key, allowed) in [("use_regex", false), ("add_prefix_space", false)] where (level[key]?.bool ?? true) != allowed {
            throw .unsupported(file: source, field: "pre_tokenizer.pretokenizers[1].\(key)", value: "\(!allowed)",
                               supported: "\(allowed) after Split")
        }
        return .qwen2
    }

    private static func typeName(_ value: JSONValue) -> String {
        value["type"]?.string ?? "an object without a type"
    }

    private static func field(_ object: JSONValue, _ key: String, in source: String, path: String? = nil) throws(TokenizerError) -> JSONValue {
        guard let value = object[key], value != .null else {
            throw .malformed(file: source, field: path.map { "\($0).\(key)" } ?? key, reason: "missing")
        }
        return value
    }

    static func readJSON(_ path: String) throws(TokenizerError) -> JSONValue {
        let data: Data
        do { try RegularFile.check(path) } catch { throw .unreadable(file: path, reason: error.message) }
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(file: path, reason: error.localizedDescription)
        }
        // `parseFast`, not JSONValue's Decodable path: a 49,152-entry vocabulary parses in a tenth of a second this
        // way and takes seconds through JSONDecoder's trial decoding of each value.
        let json: JSONValue
        do {
            json = try JSONValue.parseFast(data)
        } catch {
            throw .malformed(file: path, field: "(top level)", reason: "not valid JSON: \(error.localizedDescription)")
        }
        guard json.object != nil else { throw .malformed(file: path, field: "(top level)", reason: "is not a JSON object") }
        return json
    }
}
