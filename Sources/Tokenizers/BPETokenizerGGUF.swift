import GGUF

extension BPETokenizer {
    /// GGUF token types (llama.cpp's `llama_token_type`) that mark a token to match in text as a whole.
    private enum GGUFTokenType {
        static let control = 3
        static let userDefined = 4
    }

    /// Pre-tokenizers by `tokenizer.ggml.pre`, for the names whose llama.cpp split this implements.
    static let ggufPreTokenizers: [String: BPEPreTokenizer] = [
        "gpt-2": .gpt2,
        "smollm": .smolLM,
        "starcoder": .smolLM,
        "qwen2": .qwen2,
    ]

    /// The tokenizer stored in the metadata of the GGUF file at `path`.
    public init(ggufPath path: String) throws(TokenizerError) {
        let file: GGUFFile
        do {
            file = try GGUFFile(path: path)
        } catch {
            throw .unreadable(file: path, reason: String(describing: error))
        }
        try self.init(gguf: file)
    }

    /// The tokenizer stored in `file`'s `tokenizer.*` metadata (GPT-2-style BPE only).
    public init(gguf file: GGUFFile) throws(TokenizerError) {
        let path = file.path
        let metadata = file.metadata
        func string(_ key: String) throws(TokenizerError) -> String {
            guard let value = metadata[key] else { throw .malformed(file: path, field: key, reason: "missing") }
            guard let string = value.string else {
                throw .malformed(file: path, field: key, reason: "is a \(value.type), not a string")
            }
            return string
        }
        func optionalID(_ key: String, below count: Int) throws(TokenizerError) -> Int? {
            guard let value = metadata[key] else { return nil }
            guard let id = value.int, id >= 0, id < count else {
                throw .malformed(file: path, field: key, reason: "\(value) is not a token id below \(count)")
            }
            return id
        }

        let model = try string("tokenizer.ggml.model")
        guard model == "gpt2" else {
            throw .unsupported(file: path, field: "tokenizer.ggml.model", value: model, supported: "gpt2 (byte-level BPE)")
        }
        let pre = try string("tokenizer.ggml.pre")
        guard let preTokenizer = Self.ggufPreTokenizers[pre] else {
            throw .unsupported(file: path, field: "tokenizer.ggml.pre", value: pre,
                               supported: Self.ggufPreTokenizers.keys.sorted().joined(separator: ", "))
        }
        guard let tokensValue = metadata["tokenizer.ggml.tokens"] else {
            throw .malformed(file: path, field: "tokenizer.ggml.tokens", reason: "missing")
        }
        guard let tokens = tokensValue.strings, !tokens.isEmpty else {
            throw .malformed(file: path, field: "tokenizer.ggml.tokens", reason: "is not a non-empty array of strings")
        }
        var types = [Int](repeating: 1, count: tokens.count)
        if let typesValue = metadata["tokenizer.ggml.token_type"] {
            guard let values = typesValue.ints, values.count == tokens.count else {
                throw .malformed(file: path, field: "tokenizer.ggml.token_type",
                                 reason: "is not an array of \(tokens.count) integers, one per token")
            }
            types = values
        }
        guard let mergesValue = metadata["tokenizer.ggml.merges"] else {
            throw .malformed(file: path, field: "tokenizer.ggml.merges", reason: "missing")
        }
        guard let mergeStrings = mergesValue.strings else {
            throw .malformed(file: path, field: "tokenizer.ggml.merges", reason: "is not an array of strings")
        }
        var merges: [(String, String)] = []
        merges.reserveCapacity(mergeStrings.count)
        for (index, merge) in mergeStrings.enumerated() {
            let parts = merge.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw .malformed(file: path, field: "tokenizer.ggml.merges[\(index)]",
                                 reason: "\(merge.debugDescription) is not two tokens separated by one space")
            }
            merges.append((String(parts[0]), String(parts[1])))
        }

        var vocabulary: [String: Int] = [:]
        vocabulary.reserveCapacity(tokens.count)
        var added: [AddedToken] = []
        for (id, token) in tokens.enumerated() {
            // The first of duplicate spellings wins, as in llama.cpp's token-to-id map.
            if vocabulary[token] == nil { vocabulary[token] = id }
            if types[id] == GGUFTokenType.control || types[id] == GGUFTokenType.userDefined {
                added.append(AddedToken(content: token, id: id, special: types[id] == GGUFTokenType.control))
            }
        }
        try self.init(vocabulary: vocabulary, merges: merges, addedTokens: added, preTokenizer: preTokenizer, source: path,
                      fields: (vocabulary: "tokenizer.ggml.tokens", merges: "tokenizer.ggml.merges",
                               addedTokens: "tokenizer.ggml.token_type"))
        // A GGUF file does not record the normalizer; Qwen2's tokenizer.json composes text to NFC, and the ids
        // are to be the ones that model was trained on.
        if pre == "qwen2" { normalization = .nfc }
        bosID = try optionalID("tokenizer.ggml.bos_token_id", below: tokens.count)
        eosID = try optionalID("tokenizer.ggml.eos_token_id", below: tokens.count)
        padID = try optionalID("tokenizer.ggml.padding_token_id", below: tokens.count)
        unknownID = try optionalID("tokenizer.ggml.unknown_token_id", below: tokens.count)
        if metadata["tokenizer.chat_template"] != nil {
            setChatTemplate(source: try string("tokenizer.chat_template"))
        }
    }
}
