import Foundation
import Support
import Tokenizers

/// The tokens of text files as perplexity measures them: the files joined with "\n" in the order given,
/// tokenized without BOS or any other added token, the first `maxTokens` kept.
public enum EvaluationText {
    /// The joined text of `paths`; a missing, unreadable, non-UTF-8 or empty file is an error naming it.
    public static func read(_ paths: [String]) throws(PerplexityError) -> String {
        guard !paths.isEmpty else { throw .invalidSetting("no text files given") }
        var parts: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .unreadable(path: path, reason: "no such file")
            }
            guard !isDirectory.boolValue else { throw .unreadable(path: path, reason: "a directory, not a text file") }
            do { try RegularFile.check(path) } catch { throw .unreadable(path: path, reason: error.message) }
            guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path, reason: "permission denied or I/O error") }
            guard !data.isEmpty else { throw .emptyText(path: path) }
            guard let text = String(validating: data, as: UTF8.self) else { throw .unreadable(path: path, reason: "not valid UTF-8") }
            parts.append(text)
        }
        return parts.joined(separator: "\n")
    }

    /// The UTF-8 bytes that the tokens at `indices` of `tokens` spell (their text, as the tokenizer decodes them).
    public static func bytes(of tokens: [Int], at indices: [Int], tokenizer: any Tokenizer) -> Int {
        indices.reduce(0) { $0 + (tokenizer.bytes(of: tokens[$1])?.count ?? 0) }
    }

    /// The first `maxTokens` tokens (0: all) of the joined text of `paths`.
    public static func tokens(_ paths: [String], tokenizer: any Tokenizer, maxTokens: Int = 0) throws(PerplexityError) -> [Int] {
        guard maxTokens >= 0 else { throw .invalidSetting("the token limit \(maxTokens) is negative") }
        // The whole text is tokenized before cutting, as a tokenizer run over the full text does: cutting the
        // text first could merge or split the last word differently.
        let ids = tokenizer.encode(try read(paths))
        let kept = maxTokens > 0 ? Array(ids.prefix(maxTokens)) : ids
        guard kept.count >= 2 else { throw .tooFewTokens(paths: paths, tokens: kept.count) }
        return kept
    }
}

