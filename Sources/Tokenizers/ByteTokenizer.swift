/// A vocabulary of the 256 bytes (ids 0–255) followed by named special tokens (ids 256 and up), as the
/// tiny reference model uses: 256 `<pad>`, 257 `<s>`, 258 `</s>`.
public struct ByteTokenizer: Tokenizer {
    /// The special tokens' names, the first one being id 256.
    public let specialTokens: [String]
    public let bosID: Int?
    public let eosID: Int?
    public let padID: Int?
    public var chatTemplate: ChatTemplate?
    private let specials: SpecialTokenMatcher

    /// A byte vocabulary with `specialTokens` after the bytes; `pad`, `bos` and `eos` name entries of it.
    public init(
        specialTokens: [String] = ["<pad>", "<s>", "</s>"],
        pad: String? = "<pad>", bos: String? = "<s>", eos: String? = "</s>", chatTemplate: ChatTemplate? = nil
    ) throws(TokenizerError) {
        func id(_ name: String?, role: String) throws(TokenizerError) -> Int? {
            guard let name else { return nil }
            guard let index = specialTokens.firstIndex(of: name) else {
                throw .malformed(file: "byte tokenizer configuration", field: role,
                                 reason: "\(name.debugDescription) is not one of the special tokens \(specialTokens)")
            }
            return 256 + index
        }
        if let empty = specialTokens.firstIndex(where: \.isEmpty) {
            throw .malformed(file: "byte tokenizer configuration", field: "specialTokens[\(empty)]", reason: "is empty")
        }
        self.specialTokens = specialTokens
        self.padID = try id(pad, role: "pad")
        self.bosID = try id(bos, role: "bos")
        self.eosID = try id(eos, role: "eos")
        self.chatTemplate = chatTemplate
        var lookup: [String: Int] = [:]
        for (index, name) in specialTokens.enumerated() where lookup[name] == nil { lookup[name] = 256 + index }
        self.specials = SpecialTokenMatcher(lookup)
    }

    public var vocabularySize: Int { 256 + specialTokens.count }

    public func encode(_ text: String) -> [Int] {
        let bytes = Array(text.utf8)
        var ids: [Int] = []
        ids.reserveCapacity(bytes.count)
        for segment in specials.segments(bytes) {
            switch segment {
            case .special(let id): ids.append(id)
            case .text(let range): ids.append(contentsOf: bytes[range].lazy.map { Int($0) })
            }
        }
        return ids
    }

    public func bytes(of id: Int) -> [UInt8]? {
        if id >= 0 && id < 256 { return [UInt8(id)] }
        guard id >= 256 && id < vocabularySize else { return nil }
        return Array(specialTokens[id - 256].utf8)
    }

    public func id(of token: String) -> Int? {
        if let index = specialTokens.firstIndex(of: token) { return 256 + index }
        let bytes = Array(token.utf8)
        return bytes.count == 1 ? Int(bytes[0]) : nil
    }
}
