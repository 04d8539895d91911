import Foundation
import Support

/// What a SentencePiece-style tokenizer takes from the `tokenizer_config.json` beside its vocabulary: the special
/// tokens' roles, whether sequences begin with BOS and end with EOS, and the chat template.
struct HuggingFaceTokenizerConfig {
    let path: String
    let json: JSONValue

    /// The configuration in the same directory as `vocabularyPath`, or nil when there is none.
    static func beside(_ vocabularyPath: String) throws(TokenizerError) -> HuggingFaceTokenizerConfig? {
        let path = ((vocabularyPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("tokenizer_config.json")
        guard (vocabularyPath as NSString).lastPathComponent != "tokenizer_config.json",
              FileManager.default.fileExists(atPath: path) else { return nil }
        return HuggingFaceTokenizerConfig(path: path, json: try BPETokenizer.readJSON(path))
    }

    /// The flag `key` (`add_bos_token`, `add_eos_token`), or nil when absent or null.
    func flag(_ key: String) throws(TokenizerError) -> Bool? {
        guard let value = json[key], value != .null else { return nil }
        guard let flag = value.bool else { throw .malformed(file: path, field: key, reason: "is not true or false") }
        return flag
    }

    /// Applies the roles, flags and template to `tokenizer`.
    func apply(to tokenizer: inout SentencePieceTokenizer) throws(TokenizerError) {
        func role(_ key: String) throws(TokenizerError) -> Int? {
            guard let value = json[key], value != .null else { return nil }
            // Written either as the token's text or as an added-token object with a "content" field.
            guard let content = value.string ?? value["content"]?.string else {
                throw .malformed(file: path, field: key, reason: "is neither a string nor an object with content")
            }
            guard let id = tokenizer.id(of: content) else {
                throw .malformed(file: path, field: key, reason: "\(content.debugDescription) is not in the vocabulary")
            }
            return id
        }
        if let id = try role("bos_token") { tokenizer.bosID = id }
        if let id = try role("eos_token") { tokenizer.eosID = id }
        if let id = try role("pad_token") { tokenizer.padID = id }
        if let id = try role("unk_token") { tokenizer.unknownID = id }
        if let adds = try flag("add_bos_token") { tokenizer.addsBOS = adds }
        if let adds = try flag("add_eos_token") { tokenizer.addsEOS = adds }
        if tokenizer.addsBOS && tokenizer.bosID == nil {
            throw .malformed(file: path, field: "add_bos_token", reason: "is true but the vocabulary has no BOS token")
        }
        if tokenizer.addsEOS && tokenizer.eosID == nil {
            throw .malformed(file: path, field: "add_eos_token", reason: "is true but the vocabulary has no EOS token")
        }
        if let template = json["chat_template"], template != .null {
            // A template beyond the supported subset leaves the tokenizer usable for text; chat then reports it.
            tokenizer.chatTemplate = template.string.flatMap { try? ChatTemplate(jinja: $0) }
        }
    }
}
