import Foundation
import Support

extension BPETokenizer {
    /// `tokenizer.json` and `tokenizer_config.json` for this tokenizer, in Hugging Face's layout: what a merged
    /// or fully fine-tuned checkpoint needs beside its weights to be loaded again (by qlab or by transformers),
    /// whether the tokenizer came from a `tokenizer.json` or from a GGUF file's metadata.
    public func huggingFaceFiles() throws -> (tokenizer: Data, config: Data) {
        var vocabulary: [String: Int] = [:]
        var spellingOf: [Int: String] = [:]
        let added = Set(addedTokens.map(\.content))
        for (spelling, id) in spellings where !added.contains(spelling) || vocabulary[spelling] == nil {
            vocabulary[spelling] = id
            if spellingOf[id] == nil || !added.contains(spelling) { spellingOf[id] = spelling }
        }
        // The merge list in rank order (a pair repeated in the source kept its first rank; ranks may skip).
        let ordered = merges.table.map { (rank: $0.value >> 32, left: Int($0.key >> 32), right: Int($0.key & 0xffff_ffff)) }
            .sorted { $0.rank < $1.rank }
        var mergeList: [[String]] = []
        mergeList.reserveCapacity(ordered.count)
        for m in ordered {
            guard let left = spellingOf[m.left], let right = spellingOf[m.right] else {
                throw TokenizerError.malformed(file: "(in memory)", field: "merges", reason: "merge of ids \(m.left) and \(m.right) has no spelling")
            }
            mergeList.append([left, right])
        }
        let byteLevel: [String: Any] = ["type": "ByteLevel", "add_prefix_space": preTokenizer.addPrefixSpace,
                                        "trim_offsets": true, "use_regex": preTokenizer.useRegex]
        let pre: Any
        if preTokenizer.pattern == .qwen2 && preTokenizer.useRegex {
            var bytesOnly = byteLevel
            bytesOnly["use_regex"] = false
            let split: [String: Any] = ["type": "Split", "pattern": ["Regex": BPEPreTokenizer.Pattern.qwen2Regex],
                                        "behavior": "Isolated", "invert": false]
            pre = ["type": "Sequence", "pretokenizers": [split, bytesOnly]] as [String: Any]
        } else if preTokenizer.splitDigits {
            pre = ["type": "Sequence", "pretokenizers": [["type": "Digits", "individual_digits": true], byteLevel]] as [String: Any]
        } else {
            pre = byteLevel
        }
        var model: [String: Any] = ["type": "BPE", "vocab": vocabulary, "merges": mergeList, "dropout": NSNull(),
                                    "continuing_subword_prefix": NSNull(), "end_of_word_suffix": NSNull(),
                                    "fuse_unk": false, "byte_fallback": false, "ignore_merges": false]
        if let unknownID, let unknown = text(of: unknownID) { model["unk_token"] = unknown }
        let tokenizer: [String: Any] = [
            "version": "1.0", "truncation": NSNull(), "padding": NSNull(),
            "added_tokens": addedTokens.sorted { $0.id < $1.id }.map { t in
                ["id": t.id, "content": t.content, "single_word": false, "lstrip": false, "rstrip": false,
                 "normalized": false, "special": t.special] as [String: Any]
            },
            "normalizer": normalization == .nfc ? ["type": "NFC"] as [String: Any] : NSNull(), "pre_tokenizer": pre,
            "post_processor": ["type": "ByteLevel", "add_prefix_space": preTokenizer.addPrefixSpace, "trim_offsets": false, "use_regex": preTokenizer.useRegex] as [String: Any],
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true] as [String: Any],
            "model": model,
        ]
        var config: [String: Any] = ["tokenizer_class": "GPT2Tokenizer", "clean_up_tokenization_spaces": false,
                                     "model_max_length": 1_000_000_000]
        for (key, id) in [("bos_token", bosID), ("eos_token", eosID), ("pad_token", padID), ("unk_token", unknownID)] {
            if let id, let token = text(of: id) { config[key] = token }
        }
        if let template = chatTemplateSource ?? chatTemplate?.source { config["chat_template"] = template }
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        return (try JSONSerialization.data(withJSONObject: tokenizer, options: options),
                try JSONSerialization.data(withJSONObject: config, options: options.union(.prettyPrinted)))
    }

    /// Writes both files into `directory`.
    public func writeHuggingFaceFiles(to directory: String) throws {
        let files = try huggingFaceFiles()
        try AtomicFile.write(Array(files.tokenizer), to: directory + "/tokenizer.json")
        try AtomicFile.write(Array(files.config), to: directory + "/tokenizer_config.json")
    }

    /// A token's text (an added token's content, or its bytes as UTF-8).
    private func text(of id: Int) -> String? {
        if let added = addedTokens.first(where: { $0.id == id }) { return added.content }
        return bytes(of: id).flatMap { String(bytes: $0, encoding: .utf8) }
    }
}
