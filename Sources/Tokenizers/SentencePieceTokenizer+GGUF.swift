import Foundation
import GGUF

extension SentencePieceTokenizer {
    /// Model families whose GGUF vocabularies rank merges by file position and store runs of "▁" as spaces
    /// (Gemma's scores do not follow its merge order; the file's order does).
    static let positionRankedArchitectures: Set<String> = ["gemma", "gemma2", "gemma3"]

    /// The SentencePiece vocabulary in `file`'s `tokenizer.*` metadata (`tokenizer.ggml.model = llama`).
    /// `fallbackChatTemplate` (the model family's turns) is used when the file carries no template and its
    /// vocabulary has every turn marker the template writes (a pretrained Gemma file has the markers, no template).
    public init(gguf file: GGUFFile, fallbackChatTemplate: ChatTemplate? = nil) throws(TokenizerError) {
        let path = file.path
        let metadata = file.metadata
        guard let model = metadata["tokenizer.ggml.model"]?.string else {
            throw .malformed(file: path, field: "tokenizer.ggml.model", reason: "missing or not a string")
        }
        guard model == "llama" else {
            throw .unsupported(file: path, field: "tokenizer.ggml.model", value: model, supported: "llama (SentencePiece)")
        }
        guard let pieces = metadata["tokenizer.ggml.tokens"]?.strings, !pieces.isEmpty else {
            throw .malformed(file: path, field: "tokenizer.ggml.tokens", reason: "missing or not a non-empty array of strings")
        }
        var scores = [Float](repeating: 0, count: pieces.count)
        if let value = metadata["tokenizer.ggml.scores"] {
            guard let values = value.floats, values.count == pieces.count else {
                throw .malformed(file: path, field: "tokenizer.ggml.scores", reason: "is not an array of \(pieces.count) numbers, one per token")
            }
            scores = values
        }
        var types = [PieceType](repeating: .normal, count: pieces.count)
        if let value = metadata["tokenizer.ggml.token_type"] {
            guard let values = value.ints, values.count == pieces.count else {
                throw .malformed(file: path, field: "tokenizer.ggml.token_type", reason: "is not an array of \(pieces.count) integers, one per token")
            }
            for (id, raw) in values.enumerated() {
                guard let type = PieceType(rawValue: raw) else {
                    throw .malformed(file: path, field: "tokenizer.ggml.token_type[\(id)]", reason: "\(raw) is not a token type (1–6)")
                }
                types[id] = type
            }
        }
        func flag(_ key: String, default fallback: Bool) throws(TokenizerError) -> Bool {
            guard let value = metadata[key] else { return fallback }
            guard let bool = value.bool else { throw .malformed(file: path, field: key, reason: "is \(value), not a boolean") }
            return bool
        }
        func optionalID(_ key: String) throws(TokenizerError) -> Int? {
            guard let value = metadata[key] else { return nil }
            guard let id = value.int, id >= 0, id < pieces.count else {
                throw .malformed(file: path, field: key, reason: "\(value) is not a token id below \(pieces.count)")
            }
            return id
        }
        let architecture = metadata["general.architecture"]?.string ?? ""
        let gemmaLike = Self.positionRankedArchitectures.contains(architecture)
        let options = Options(mergePriority: gemmaLike ? .position : .score, spaceRunsAreMetaspace: gemmaLike)
        // SentencePiece models put a space before the text unless told not to; llama.cpp adds BOS unless told not to.
        try self.init(pieces: pieces, scores: scores, types: types,
                      addSpacePrefix: try flag("tokenizer.ggml.add_space_prefix", default: true),
                      addsBOS: try flag("tokenizer.ggml.add_bos_token", default: true),
                      options: options, source: path, field: "tokenizer.ggml.tokens")
        bosID = try optionalID("tokenizer.ggml.bos_token_id")
        eosID = try optionalID("tokenizer.ggml.eos_token_id")
        padID = try optionalID("tokenizer.ggml.padding_token_id")
        unknownID = try optionalID("tokenizer.ggml.unknown_token_id")
        if addsBOS && bosID == nil {
            throw .malformed(file: path, field: "tokenizer.ggml.bos_token_id", reason: "missing, but tokenizer.ggml.add_bos_token asks for BOS")
        }
        if let source = metadata["tokenizer.chat_template"]?.string {
            chatTemplate = try? ChatTemplate(jinja: source)
        } else if let template = fallbackChatTemplate, template.turnMarkers.allSatisfy({ id(of: $0) != nil }) {
            chatTemplate = template
        }
    }
}

/// The tokenizer a GGUF file's metadata describes, whichever kind it is.
public enum GGUFTokenizer {
    /// Byte-level BPE for `tokenizer.ggml.model = gpt2`, SentencePiece for `llama`; a SentencePiece vocabulary
    /// without a template of its own takes `fallbackChatTemplate` when it has the template's turn markers.
    public static func load(_ file: GGUFFile, fallbackChatTemplate: ChatTemplate? = nil) throws(TokenizerError) -> any Tokenizer {
        switch file.metadata["tokenizer.ggml.model"]?.string {
        case "llama": try SentencePieceTokenizer(gguf: file, fallbackChatTemplate: fallbackChatTemplate)
        default: try BPETokenizer(gguf: file)
        }
    }
}
