import Foundation
import GGUF

/// Opens the tokenizer a model ships, whichever form it comes in.
public enum TokenizerLoader {
    /// The tokenizer at `path`: a `.gguf` file's metadata, a `tokenizer.json`, a SentencePiece `.model` file, or a
    /// directory holding one of the last two.
    public static func load(_ path: String) throws(TokenizerError) -> any Tokenizer {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(file: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue {
            guard let tokenizer = try huggingFace(directory: path) else {
                throw .unreadable(file: path, reason: "the directory has no tokenizer.json or tokenizer.model")
            }
            return tokenizer
        }
        switch (path as NSString).pathExtension.lowercased() {
        case "gguf":
            let file: GGUFFile
            do { file = try GGUFFile(path: path) } catch { throw .unreadable(file: path, reason: String(describing: error)) }
            return try GGUFTokenizer.load(file)
        case "json": return try huggingFaceJSON(path)
        case "model": return try sentencePieceModel(path)
        default: throw .unreadable(file: path, reason: "neither a .gguf file, a tokenizer.json nor a SentencePiece .model file")
        }
    }

    /// The tokenizer of a Hugging Face checkpoint directory, or nil when it has none: its `tokenizer.json` when there
    /// is one (as transformers' fast tokenizer prefers it), else its SentencePiece `tokenizer.model`; the
    /// `tokenizer_config.json` beside either is applied.
    public static func huggingFace(directory: String) throws(TokenizerError) -> (any Tokenizer)? {
        let json = (directory as NSString).appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: json) { return try huggingFaceJSON(json) }
        let model = (directory as NSString).appendingPathComponent("tokenizer.model")
        if FileManager.default.fileExists(atPath: model) { return try sentencePieceModel(model) }
        return nil
    }

    /// A `tokenizer.json`: SentencePiece-style (byte fallback, "▁" for spaces) or byte-level BPE.
    public static func huggingFaceJSON(_ path: String) throws(TokenizerError) -> any Tokenizer {
        let json = try BPETokenizer.readJSON(path)
        if SentencePieceTokenizer.isSentencePieceStyle(json) { return try SentencePieceTokenizer(huggingFaceJSON: json, path: path) }
        return try BPETokenizer(huggingFaceJSON: path)
    }

    /// A SentencePiece model file, with the `tokenizer_config.json` beside it applied.
    public static func sentencePieceModel(_ path: String) throws(TokenizerError) -> SentencePieceTokenizer {
        var tokenizer = try SentencePieceTokenizer(sentencePieceModel: path)
        if let config = try HuggingFaceTokenizerConfig.beside(path) { try config.apply(to: &tokenizer) }
        return tokenizer
    }
}
