import Foundation
import Tensors

/// `wordnet-en`: definition questions from Princeton WordNet 3.0 (Debian `wordnet-base`), one subject per part
/// of speech. A question is a synset's definition ("Which word means: {definition}?"), its answer the synset's
/// first word, and its three distractors words of other synsets of the same part of speech.
extension DatasetPreparer {
    /// The parts of speech: data file, subject stem, seed.
    static let wordNetParts: [(file: String, stem: String, seed: UInt64)] = [
        ("data.noun", "noun", 101), ("data.verb", "verb", 102), ("data.adj", "adjective", 103), ("data.adv", "adverb", 104),
    ]
    /// Questions per subject: dev (the shots) and test.
    static let wordNetCounts = (dev: 5, test: 150)

    /// One synset: its words (underscores as spaces, adjective markers removed) and its definition.
    struct Synset: Equatable {
        var words: [String]
        var definition: String
    }

    /// The synsets of a WordNet data file (`offset lexfile type count word lexid … | gloss`), header lines skipped.
    static func wordNetSynsets(_ text: String, path: String) throws -> [Synset] {
        var synsets: [Synset] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("  ") { continue }
            guard let bar = line.range(of: " | ") else { throw DataError.source(path: path, line: n + 1, reason: "no \" | \" before the gloss") }
            let fields = line[..<bar.lowerBound].split(separator: " ")
            guard fields.count >= 4, let count = Int(fields[3], radix: 16), count >= 1, fields.count >= 4 + 2 * count else {
                throw DataError.source(path: path, line: n + 1, reason: "not a WordNet synset line")
            }
            let words = (0..<count).map { i -> String in
                var word = String(fields[4 + 2 * i]).replacingOccurrences(of: "_", with: " ")
                // Adjective position markers: (a), (p), (ip).
                if word.hasSuffix(")"), let open = word.lastIndex(of: "(") { word = String(word[..<open]) }
                return word
            }
            // The definition is the gloss before its quoted examples.
            var definition = String(line[bar.upperBound...])
            if let quote = definition.firstIndex(of: "\"") { definition = String(definition[..<quote]) }
            definition = definition.trimmingCharacters(in: .whitespaces)
            while definition.hasSuffix(";") { definition = String(definition.dropLast()).trimmingCharacters(in: .whitespaces) }
            synsets.append(Synset(words: words, definition: definition))
        }
        return synsets
    }

    /// A synset fit for a question: a definition of 15 to 160 characters that does not contain its answer
    /// word, and an answer word of at least 3 letters (spaces and hyphens allowed, no digits).
    static func askable(_ s: Synset) -> Bool {
        let answer = s.words[0]
        return (15...160).contains(s.definition.count) && answer.count >= 3
            && answer.unicodeScalars.allSatisfy { CharacterSet.letters.contains($0) || $0 == " " || $0 == "-" }
            && !s.definition.lowercased().contains(answer.lowercased())
    }

    /// The subjects of `wordnet-en` from the data files in `folder`.
    static func wordNetSubjects(folder: String) throws -> (subjects: [GeneratedSubject], synsets: [String: Int]) {
        var subjects: [GeneratedSubject] = []
        var counts: [String: Int] = [:]
        for part in wordNetParts {
            let path = folder + "/" + part.file
            guard let data = FileManager.default.contents(atPath: path), let text = String(validating: Array(data), as: UTF8.self) else {
                throw DataError.unreadable(path: path, reason: "cannot read as UTF-8")
            }
            let synsets = try wordNetSynsets(text, path: path)
            counts[part.stem] = synsets.count
            let askable = synsets.filter(askable)
            let pool = Array(Set(askable.map { $0.words[0] })).sorted()
            var generator = SeededGenerator(seed: part.seed)
            let order = BatchOrder.permutation(askable.count, using: &generator)
            var questions: [GeneratedQuestion] = []
            var asked: Set<String> = []
            for index in order where questions.count < wordNetCounts.dev + wordNetCounts.test {
                let s = askable[index]
                // One question per answer word, so that no question gives another away.
                guard !asked.contains(s.words[0]) else { continue }
                let own = Set(s.words.map { $0.lowercased() })
                let definition = s.definition.lowercased()
                guard let wrong = distractors(from: pool, answer: s.words[0], using: &generator,
                                              excluded: { own.contains($0.lowercased()) || definition.contains($0.lowercased()) }) else { continue }
                asked.insert(s.words[0])
                questions.append(GeneratedQuestion(question: "Which word means: \(s.definition)?", answer: s.words[0], distractors: wrong))
            }
            subjects.append(GeneratedSubject(stem: part.stem, dev: Array(questions.prefix(wordNetCounts.dev)),
                                             test: Array(questions.dropFirst(wordNetCounts.dev))))
        }
        return (subjects, counts)
    }

    /// Debian `wordnet-base`: the `wordnet-en` benchmark in MMLU's layout.
    func prepareWordNet() throws -> DatasetManifest.Entry {
        guard FileManager.default.fileExists(atPath: wordnet + "/data.noun") else {
            throw MissingSource(reason: "\(wordnet)/data.noun does not exist (apt-get install wordnet-base)")
        }
        let (subjects, synsets) = try Self.wordNetSubjects(folder: wordnet)
        let files = try writeBenchmark("wordnet-en", subjects: subjects, seed: 2024)
        if let text = FileManager.default.contents(atPath: "/usr/share/doc/wordnet-base/copyright") {
            try writeLicence(Array(text), to: "wordnet-en/COPYRIGHT")
        }
        var counts = synsets.mapValues { $0 }.reduce(into: [String: Int]()) { $0["synsets (\($1.key))"] = $1.value }
        counts["subjects"] = subjects.count
        counts["test questions"] = subjects.map(\.test.count).reduce(0, +)
        counts["dev questions"] = subjects.map(\.dev.count).reduce(0, +)
        return DatasetManifest.Entry(
            name: "wordnet-en", format: "benchmark",
            source: "Debian wordnet-base \(debianVersion("wordnet-base") ?? "unknown version"), \(wordnet)/data.{noun,verb,adj,adv}",
            licence: "WordNet 3.0 licence (BSD-like; see wordnet-en/COPYRIGHT)",
            description: "Multiple choice in MMLU's layout: which word a WordNet definition defines, among 3 words of the same part of speech",
            files: files, counts: counts)
    }
}
