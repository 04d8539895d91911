/// Turns text into token ids and back; what the model, data and generation code see of a vocabulary.
public protocol Tokenizer: Sendable {
    /// The number of ids the model's embedding must have rows for.
    var vocabularySize: Int { get }
    /// The beginning-of-sequence id, if the vocabulary has one.
    var bosID: Int? { get }
    /// The end-of-sequence id, if the vocabulary has one.
    var eosID: Int? { get }
    /// The padding id, if the vocabulary has one.
    var padID: Int? { get }
    /// The chat template the vocabulary came with, if any.
    var chatTemplate: ChatTemplate? { get }
    /// Whether the model expects every sequence to begin with BOS (`encode` never adds it).
    var addsBOS: Bool { get }
    /// Whether the model's tokenizer ends every sequence with EOS (`tokenizer_config.json`'s `add_eos_token`).
    var addsEOS: Bool { get }

    /// The ids of `text`, adding no special tokens; special-token strings inside `text` become their single ids.
    func encode(_ text: String) -> [Int]
    /// The text of `ids`, special tokens included; bytes that do not form valid UTF-8 become U+FFFD.
    func decode(_ ids: [Int]) -> String
    /// The raw bytes token `id` stands for, or nil when `id` is outside the vocabulary.
    func bytes(of id: Int) -> [UInt8]?
    /// The id of a vocabulary entry spelled `token` (as the vocabulary writes it), or nil.
    func id(of token: String) -> Int?
    /// `messages` rendered with the vocabulary's chat template, ending with the assistant's turn header when
    /// `addGenerationPrompt` is set; throws when there is no template or it is not a supported one.
    func renderChat(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws(TokenizerError) -> String
}

extension Tokenizer {
    public var addsBOS: Bool { false }
    public var addsEOS: Bool { false }

    /// `text`'s ids, after BOS when the model's sequences begin with it and before EOS when they end with it.
    public func encodeSequence(_ text: String) -> [Int] {
        var ids = encode(text)
        if addsBOS, let bosID { ids.insert(bosID, at: 0) }
        if addsEOS, let eosID { ids.append(eosID) }
        return ids
    }

    public func decode(_ ids: [Int]) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(ids.count * 4)
        for id in ids {
            // An id the vocabulary lacks is shown, not dropped, so that a bad id is visible in the output.
            buffer.append(contentsOf: bytes(of: id) ?? Array("\u{FFFD}".utf8))
        }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// A decoder that turns ids into text one at a time without splitting a multi-byte character.
    public func makeStreamingDecoder() -> StreamingDecoder {
        StreamingDecoder(tokenizer: self)
    }

    public func renderChat(_ messages: [ChatMessage], addGenerationPrompt: Bool) throws(TokenizerError) -> String {
        guard let chatTemplate else {
            throw .chatTemplate(reason: "this tokenizer has no chat template")
        }
        return chatTemplate.render(messages, addGenerationPrompt: addGenerationPrompt)
    }
}
