import Foundation

/// Opens the tokenizer a model ships, whichever form it comes in.
public enum TokenizerLoader {
    /// The tokenizer at `path`: a `.gguf` file's metadata, a `tokenizer.json`, or a directory holding one.
    public static func load(_ path: String) throws(TokenizerError) -> any Tokenizer {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(file: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue {
            let json = (path as NSString).appendingPathComponent("tokenizer.json")
            guard FileManager.default.fileExists(atPath: json) else {
                throw .unreadable(file: path, reason: "the directory has no tokenizer.json")
            }
            return try BPETokenizer(huggingFaceJSON: json)
        }
        switch (path as NSString).pathExtension.lowercased() {
        case "gguf":
            let file: GGUFFile
            do { file = try GGUFFile(path: path) } catch { throw .unreadable(file: path, reason: String(describing: error)) }
            return try GGUFTokenizer.load(file)
        case "json": return try BPETokenizer(huggingFaceJSON: path)
        default: throw .unreadable(file: path, reason: "neither a .gguf file nor a tokenizer.json")
        }
    }
}
