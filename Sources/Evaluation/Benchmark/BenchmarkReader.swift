import Datasets
import Foundation
import Support

/// Reads benchmark files: MMLU's CSV (`question,A,B,C,D,answer`, no header), C-Eval's and CMMLU's CSV (a header
/// `id,question,A,B,C,D,answer` and possibly more columns, such as `explanation`), and JSON lines
/// (`{"question", "choices": [...] or "A"…"D", "answer": letter or index, "subject"?}`). Errors name the file and line.
public enum BenchmarkReader {
    /// The subject a file holds: its name without extension and split suffix, underscores as spaces
    /// (`high_school_physics_test.csv` → "high school physics").
    public static func subject(ofFile path: String) -> String {
        var name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        for suffix in ["_test", "_dev", "_val", "_validation", "_train"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
            break
        }
        return name.replacingOccurrences(of: "_", with: " ")
    }

    /// The questions of one file; `subject` defaults to the one its name gives (a JSON line may name its own).
    public static func read(path: String, subject: String? = nil) throws -> [BenchmarkQuestion] {
        let subject = subject ?? Self.subject(ofFile: path)
        if path.lowercased().hasSuffix(".jsonl") || path.lowercased().hasSuffix(".json") {
            return try readJSONLines(path: path, subject: subject)
        }
        let records = try CSVTable.read(path: path)
        guard let first = records.first else { return [] }
        let header = first.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if header.count >= 7, header[0] == "id", header[1] == "question", Array(header[2...6]) == ["a", "b", "c", "d", "answer"] {
            return try records.dropFirst().enumerated().map { n, r in
                guard r.fields.count == header.count else {
                    throw DataError.malformedLine(path: path, line: r.line, reason: "expected \(header.count) fields as the header has, found \(r.fields.count)")
                }
                return try question(subject: subject, index: n, text: r.fields[1], choices: Array(r.fields[2...5]), answer: r.fields[6],
                                    path: path, line: r.line)
            }
        }
        return try records.enumerated().map { n, r in
            guard r.fields.count == 6 else {
                throw DataError.malformedLine(path: path, line: r.line, reason: "expected 6 fields (question,A,B,C,D,answer), found \(r.fields.count)")
            }
            return try question(subject: subject, index: n, text: r.fields[0], choices: Array(r.fields[1...4]), answer: r.fields[5],
                                path: path, line: r.line)
        }
    }

    static func question(subject: String, index: Int, text: String, choices: [String], answer: String, path: String,
                         line: Int) throws -> BenchmarkQuestion {
        let letter = answer.trimmingCharacters(in: .whitespaces).uppercased()
        guard let gold = BenchmarkQuestion.letters.prefix(choices.count).firstIndex(of: letter) else {
            let allowed = BenchmarkQuestion.letters.prefix(choices.count).joined(separator: ", ")
            throw DataError.malformedLine(path: path, line: line, reason: "the answer \(answer.debugDescription) is not one of the letters \(allowed)")
        }
        return BenchmarkQuestion(subject: subject, index: index, question: text, choices: choices, answer: gold, path: path, line: line)
    }

    static func readJSONLines(path: String, subject: String) throws -> [BenchmarkQuestion] {
        let records = try CSVTable.readLines(path: path)
        var questions: [BenchmarkQuestion] = []
        for (lineNumber, line) in records where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let expected = "expected {\"question\", \"choices\": [2 to \(BenchmarkQuestion.letters.count) strings] or \"A\"…\"D\", \"answer\"}"
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let text = object["question"] as? String else {
                throw DataError.malformedLine(path: path, line: lineNumber, reason: expected)
            }
            var choices: [String]
            if let list = object["choices"] as? [String] { choices = list } else {
                choices = []
                for letter in BenchmarkQuestion.letters { if let c = object[letter] as? String { choices.append(c) } else { break } }
            }
            guard (2...BenchmarkQuestion.letters.count).contains(choices.count) else {
                throw DataError.malformedLine(path: path, line: lineNumber, reason: expected)
            }
            let answer: String
            if let s = object["answer"] as? String {
                answer = s
            } else if let i = object["answer"] as? Int {
                guard choices.indices.contains(i) else {
                    throw DataError.malformedLine(path: path, line: lineNumber, reason: "the answer index \(i) is not an option (0..<\(choices.count))")
                }
                answer = BenchmarkQuestion.letters[i]
            } else {
                throw DataError.malformedLine(path: path, line: lineNumber, reason: "\"answer\" must be an option letter or index")
            }
            questions.append(try question(subject: object["subject"] as? String ?? subject, index: questions.count, text: text,
                                          choices: choices, answer: answer, path: path, line: lineNumber))
        }
        return questions
    }
}
