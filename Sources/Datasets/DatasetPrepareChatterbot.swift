import Foundation

extension DatasetPreparer {
    /// chatterbot-corpus 1.3.3: the English and Simplified-Chinese YAML conversations as Alpaca pairs, each
    /// statement the instruction and the next one its output (ChatterBot's own reading of a conversation).
    func prepareChatterbot() throws -> [DatasetManifest.Entry] {
        var archive = try wheel("chatterbot-corpus", "1.3.3")
        var entries: [DatasetManifest.Entry] = []
        for (language, name) in [("english", "chatterbot-en"), ("chinese", "chatterbot-zh")] {
            let members = archive.entries.map(\.name)
                .filter { $0.hasPrefix("chatterbot_corpus/data/\(language)/") && $0.hasSuffix(".yml") }.sorted()
            guard !members.isEmpty else {
                throw DataError.source(path: archive.path, line: nil, reason: "no chatterbot_corpus/data/\(language)/*.yml")
            }
            var lines: [DataJSONLine] = []
            var conversations = 0, multiTurn = 0, emptyStatements = 0, notLists = 0
            for member in members {
                let bytes = try archive.contents(of: member)
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw DataError.source(path: "\(archive.path)!\(member)", line: nil, reason: "not UTF-8")
                }
                let where_ = "\(archive.path)!\(member)"
                let document = try DataYAML.parse(text, path: where_)
                guard case .sequence(let list)? = document["conversations"] else {
                    throw DataError.source(path: where_, line: nil, reason: "no `conversations` list")
                }
                let category = member.split(separator: "/").last!.dropLast(4)
                for (index, conversation) in list.enumerated() {
                    guard case .sequence(let statements) = conversation else {
                        // The corpus has a few entries missing their inner dash, which YAML reads as one long string
                        // (question and answer run together): there is no pair to take from them.
                        notLists += 1
                        continue
                    }
                    var texts: [String] = []
                    for statement in statements {
                        guard case .scalar(let s) = statement else {
                            throw DataError.source(path: where_, line: nil, reason: "conversation \(index) holds a non-text statement")
                        }
                        texts.append(s.trimmingCharacters(in: .whitespacesAndNewlines))
                    }
                    conversations += 1
                    if texts.count > 2 { multiTurn += 1 }
                    for (question, answer) in zip(texts, texts.dropFirst()) {
                        guard !question.isEmpty, !answer.isEmpty else { emptyStatements += 1; continue }
                        lines.append(.object([("instruction", .string(question)), ("input", .string("")), ("output", .string(answer)),
                                              ("category", .string(String(category)))]))
                    }
                }
            }
            let parts = Self.split(lines, fraction: 0.1, seed: name == "chatterbot-en" ? 1 : 2)
            let files = [try write(parts.train, to: "\(name)/train.jsonl", role: "train"),
                         try write(parts.eval, to: "\(name)/eval.jsonl", role: "eval")]
            entries.append(DatasetManifest.Entry(
                name: name, format: "alpaca", source: "chatterbot-corpus 1.3.3 (PyPI), chatterbot_corpus/data/\(language)",
                licence: "BSD-3-Clause (package metadata: \"License :: OSI Approved :: BSD License\")",
                description: "\(language == "english" ? "English" : "Simplified-Chinese") question→answer pairs from "
                    + "\(members.count) YAML files; each statement answers the one before it; 10% held out (seeded)",
                files: files,
                counts: ["yaml files": members.count, "conversations": conversations, "multi-turn conversations": multiTurn,
                         "pairs": lines.count, "pairs skipped (empty statement)": emptyStatements,
                         "conversations skipped (not a list in the YAML)": notLists]))
        }
        return entries
    }
}
