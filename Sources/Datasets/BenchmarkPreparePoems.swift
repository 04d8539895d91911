import Foundation
import Tensors

/// `poems-zh`: next-line questions from the Tang and Song poems of Debian `fortunes-zh` (`tang300`, `song100`),
/// one subject per collection and line length (五言, 七言). A question quotes a line of a poem and asks for the
/// line that follows it in the same poem ("「{line}」的下一句是什么？"); the three distractors are lines of the
/// same length from other poems of the same collection.
extension DatasetPreparer {
    /// The subjects: collection file, line length, subject stem, seed.
    static let poemSubjects: [(file: String, length: Int, stem: String, seed: UInt64)] = [
        ("tang300", 5, "唐诗五言", 201), ("tang300", 7, "唐诗七言", 202), ("song100", 5, "宋诗五言", 203), ("song100", 7, "宋诗七言", 204),
    ]
    /// Questions per subject: dev (the shots) and at most this many test questions.
    static let poemCounts = (dev: 5, test: 150)

    /// The lines of each poem of a fortune file: its body (title and author lines dropped) cut at Chinese
    /// punctuation, each line a run of Han characters (a poem with any other line is kept, that line is not).
    static func poemLines(_ text: String) -> [[String]] {
        let (clean, _) = stripANSI(text)
        let stops: Set<Character> = ["，", "。", "？", "！", "；", "：", "、"]
        return fortuneEntries(clean).compactMap { entry in
            let body = entry.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("《") && !$0.hasPrefix("题目") && !$0.contains("作者") }
            guard !body.isEmpty else { return nil }
            var lines: [String] = []
            var current = ""
            for ch in body.joined() {
                if stops.contains(ch) {
                    if !current.isEmpty { lines.append(current) }
                    current = ""
                } else {
                    current.append(ch)
                }
            }
            if !current.isEmpty { lines.append(current) }
            return lines
        }
    }

    static func isHan(_ line: String) -> Bool {
        !line.isEmpty && line.unicodeScalars.allSatisfy { (0x4E00...0x9FFF).contains($0.value) }
    }

    /// The subjects of `poems-zh` from the fortune files in `folder`.
    static func poemSubjects(folder: String) throws -> (subjects: [GeneratedSubject], poems: [String: Int]) {
        var subjects: [GeneratedSubject] = []
        var poems: [String: Int] = [:]
        for subject in poemSubjects {
            let path = folder + "/" + subject.file
            guard let data = FileManager.default.contents(atPath: path), let text = String(validating: Array(data), as: UTF8.self) else {
                throw DataError.unreadable(path: path, reason: "cannot read as UTF-8")
            }
            let collection = poemLines(text)
            poems[subject.file] = collection.count
            // Candidates: consecutive lines of one poem, both Han and of the subject's length.
            var pairs: [(poem: Int, line: String, next: String)] = []
            var seen: Set<String> = []
            for (p, lines) in collection.enumerated() {
                for (a, b) in zip(lines, lines.dropFirst()) where isHan(a) && isHan(b) && a.count == subject.length && b.count == subject.length {
                    // A line asked twice (a refrain) would have two answers.
                    if seen.insert(a).inserted { pairs.append((p, a, b)) }
                }
            }
            var generator = SeededGenerator(seed: subject.seed)
            let order = BatchOrder.permutation(pairs.count, using: &generator)
            var questions: [GeneratedQuestion] = []
            for index in order where questions.count < poemCounts.dev + poemCounts.test {
                let pair = pairs[index]
                let pool = collection.enumerated().filter { $0.offset != pair.poem }
                    .flatMap { $0.element.filter { isHan($0) && $0.count == subject.length } }
                let own = Set(collection[pair.poem])
                guard let wrong = distractors(from: pool, answer: pair.next, using: &generator, excluded: { own.contains($0) }) else { continue }
                questions.append(GeneratedQuestion(question: "「\(pair.line)」的下一句是什么？", answer: pair.next, distractors: wrong))
            }
            subjects.append(GeneratedSubject(stem: subject.stem, dev: Array(questions.prefix(poemCounts.dev)),
                                             test: Array(questions.dropFirst(poemCounts.dev))))
        }
        return (subjects, poems)
    }

    /// Debian `fortunes-zh`: the `poems-zh` benchmark in MMLU's layout.
    func preparePoems() throws -> DatasetManifest.Entry {
        guard FileManager.default.fileExists(atPath: fortunes + "/tang300"), FileManager.default.fileExists(atPath: fortunes + "/song100") else {
            throw MissingSource(reason: "\(fortunes)/tang300 or song100 does not exist (apt-get install fortunes-zh)")
        }
        let (subjects, poems) = try Self.poemSubjects(folder: fortunes)
        let files = try writeBenchmark("poems-zh", subjects: subjects, seed: 2025)
        if let text = FileManager.default.contents(atPath: "/usr/share/doc/fortunes-zh/copyright") {
            try writeLicence(Array(text), to: "poems-zh/COPYRIGHT")
        }
        var counts = poems.reduce(into: [String: Int]()) { $0["poems (\($1.key))"] = $1.value }
        counts["subjects"] = subjects.count
        counts["test questions"] = subjects.map(\.test.count).reduce(0, +)
        counts["dev questions"] = subjects.map(\.dev.count).reduce(0, +)
        return DatasetManifest.Entry(
            name: "poems-zh", format: "benchmark",
            source: "Debian fortunes-zh \(debianVersion("fortunes-zh") ?? "unknown version"), \(fortunes)/{tang300,song100}",
            licence: "GPL-3.0+ (see poems-zh/COPYRIGHT)",
            description: "Multiple choice in MMLU's layout: the line that follows a line of a Tang or Song poem, among 3 lines of other poems",
            files: files, counts: counts)
    }
}
