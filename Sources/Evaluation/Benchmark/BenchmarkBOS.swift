import Foundation
import GGUF
import Models
import Tokenizers

/// Whether a model's own tokenizer puts BOS before the text it encodes, which is how the benchmark prompt must
/// begin: a GGUF file says so in `tokenizer.ggml.add_bos_token` (without it, llama.cpp's default: SentencePiece
/// vocabularies add one, byte-level BPE ones do not); a checkpoint directory in `tokenizer_config.json`'s
/// `add_bos_token`, or in `tokenizer.json`'s post-processor; a directory with no tokenizer files (the byte vocabulary
/// of the tiny test models) follows LLaMA's convention and adds it.
public enum BenchmarkBOS {
    /// The BOS id to put first, or nil.
    public static func id(for location: ModelLocation, tokenizer: any Tokenizer) -> Int? {
        guard let bos = tokenizer.bosID else { return nil }
        return adds(location, bosToken: tokenizer.bytes(of: bos).map { String(decoding: $0, as: UTF8.self) }) ? bos : nil
    }

    static func adds(_ location: ModelLocation, bosToken: String?) -> Bool {
        switch location {
        case .gguf(let path):
            guard let file = try? GGUFFile(path: path) else { return false }
            if let flag = file.metadata["tokenizer.ggml.add_bos_token"]?.bool { return flag }
            return file.metadata["tokenizer.ggml.model"]?.string == "llama"
        case .huggingFace(let directory):
            let config = directory + "/tokenizer_config.json"
            if let data = FileManager.default.contents(atPath: config),
               let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
               let flag = object["add_bos_token"] as? Bool {
                return flag
            }
            let json = directory + "/tokenizer.json"
            if let data = FileManager.default.contents(atPath: json) {
                guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                      let post = object["post_processor"] as? [String: Any], let bosToken,
                      let single = post["single"] as? [[String: Any]] else { return false }
                return single.contains { ($0["SpecialToken"] as? [String: Any])?["id"] as? String == bosToken }
            }
            return true
        }
    }
}
