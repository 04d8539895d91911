import Foundation
import Support
import Tensors

/// Judgments made by people, imported from files and looked up per presentation.
///
/// Two formats, told apart by the extension (`.csv`; `.jsonl` or `.json`) or else by the first character:
/// - CSV (RFC 4180: comma-separated, `"` quotes a field, `""` is a quote inside one) with a header row naming at
///   least the columns `prompt_id`, `model_a`, `model_b` and `winner`, in any order; other columns (a rater,
///   a comment) are ignored.
/// - JSON Lines: one object a line with the string fields `prompt_id`, `model_a`, `model_b` and `winner`.
///
/// `model_a` is the contestant whose answer the rater saw first. `winner` is `a`, `b` or `tie` (any case;
/// `model_a` and `model_b` are accepted too). Blank lines are skipped. A presentation rated more than once (several
/// raters) takes the majority verdict, and a split without a majority is a tie. A presentation nobody rated is a
/// failed judgment: the other order's rating is not reused, because the rater never saw that order.
public struct HumanJudge: Judge {
    /// One imported rating.
    public struct Rating: Sendable, Hashable, Codable {
        /// The prompt's identifier.
        public var promptID: String
        /// The contestant shown first.
        public var modelA: String
        /// The contestant shown second.
        public var modelB: String
        /// The rater's verdict: `.a`, `.b` or `.tie`.
        public var outcome: JudgmentOutcome
        /// Where it came from, `file:line`.
        public var source: String
    }

    /// Every rating, in file order.
    public let ratings: [Rating]
    /// The files read, for the spec.
    public let files: [String]
    private let index: [Key: [Int]]

    private struct Key: Hashable, Sendable {
        var promptID: String
        var modelA: String
        var modelB: String
    }

    /// Reads every rating in `files`; the first malformed line stops it with `file:line`.
    public init(files: [String]) throws(JudgeError) {
        var ratings: [Rating] = []
        for file in files { ratings += try Self.read(path: file) }
        self.init(ratings: ratings, files: files)
    }

    /// A judge answering from `ratings` already in memory.
    public init(ratings: [Rating], files: [String] = []) {
        self.ratings = ratings
        self.files = files
        var index: [Key: [Int]] = [:]
        for (i, rating) in ratings.enumerated() {
            index[Key(promptID: rating.promptID, modelA: rating.modelA, modelB: rating.modelB), default: []].append(i)
        }
        self.index = index
    }

    /// `human:` and the first file.
    public var spec: String { "human:" + (files.first ?? "") }

    /// The raters' verdict on this prompt with these contestants in this order; the raw output lists each rating.
    public func judge(_ request: JudgeRequest) -> JudgeVerdict {
        let key = Key(promptID: request.promptID, modelA: request.contestantA, modelB: request.contestantB)
        guard let found = index[key], !found.isEmpty else {
            return JudgeVerdict(outcome: .failed(reason: "no human judgment of prompt \"\(request.promptID)\" with "
                + "\"\(request.contestantA)\" shown first and \"\(request.contestantB)\" second"), rawOutput: "")
        }
        var votes: [JudgmentOutcome: Int] = [:]
        for i in found { votes[ratings[i].outcome, default: 0] += 1 }
        let majority = votes.first { $0.value * 2 > found.count }?.key ?? .tie
        let raw = found.map { "\(ratings[$0].outcome.label) (\(ratings[$0].source))" }.joined(separator: ", ")
        return JudgeVerdict(outcome: majority, rawOutput: raw)
    }

    /// The ratings in the file at `path`.
    public static func read(path: String) throws(JudgeError) -> [Rating] {
        let data: Data
        if FileManager.default.fileExists(atPath: path) {
            do { try RegularFile.check(path) } catch { throw .unreadableFile(file: path, reason: error.message) }
        }
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadableFile(file: path, reason: FileManager.default.fileExists(atPath: path)
                ? "cannot be read (\(error.localizedDescription))" : "no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw .unreadableFile(file: path, reason: "not UTF-8 text") }
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return try parseCSV(text, source: path) }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".json") { return try parseJSONLines(text, source: path) }
        let first = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }.first
        return first == "{" ? try parseJSONLines(text, source: path) : try parseCSV(text, source: path)
    }

    /// Parses JSON Lines `text`; `source` names it in errors.
    public static func parseJSONLines(_ text: String, source: String) throws(JudgeError) -> [Rating] {
        var ratings: [Rating] = []
        // Split bytes on "\n" so that a CRLF file keeps one line per line (Swift joins "\r\n" into one Character).
        for (index, raw) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines.union(["\u{FEFF}"]))
            if line.isEmpty { continue }
            guard let json = try? JSONValue.parse(Data(line.utf8)), json.object != nil else {
                throw .malformedLine(file: source, line: lineNumber, reason: "not a JSON object")
            }
            func field(_ key: String) throws(JudgeError) -> String {
                guard let value = json[key] else { throw .malformedLine(file: source, line: lineNumber, reason: "missing \"\(key)\"") }
                // Prompt ids are often numbers in raters' exports; accept them as their decimal text.
                if let int = value.int, key == "prompt_id" { return String(int) }
                guard let string = value.string else {
                    throw .malformedLine(file: source, line: lineNumber, reason: "\"\(key)\" must be a string")
                }
                return string
            }
            ratings.append(try rating(promptID: field("prompt_id"), modelA: field("model_a"), modelB: field("model_b"),
                                      winner: field("winner"), file: source, line: lineNumber))
        }
        return ratings
    }

    /// Parses CSV `text` with a header row; `source` names it in errors.
    public static func parseCSV(_ text: String, source: String) throws(JudgeError) -> [Rating] {
        let records = try csvRecords(text, source: source)
        guard let header = records.first(where: { !$0.isBlank }) else {
            throw .malformedLine(file: source, line: 1, reason: "empty file; expected a header row prompt_id,model_a,model_b,winner")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var columns: [String: Int] = [:]
        for required in ["prompt_id", "model_a", "model_b", "winner"] {
            guard let column = names.firstIndex(of: required) else {
                throw .malformedLine(file: source, line: header.line, reason:
                    "the header has no \"\(required)\" column; it needs prompt_id, model_a, model_b and winner")
            }
            columns[required] = column
        }
        var ratings: [Rating] = []
        for record in records where record.line > header.line && !record.isBlank {
            func field(_ name: String) throws(JudgeError) -> String {
                let column = columns[name]!
                guard column < record.fields.count else {
                    throw .malformedLine(file: source, line: record.line, reason:
                        "\(record.fields.count) fields, but \"\(name)\" is column \(column + 1)")
                }
                return record.fields[column].trimmingCharacters(in: .whitespaces)
            }
            ratings.append(try rating(promptID: field("prompt_id"), modelA: field("model_a"), modelB: field("model_b"),
                                      winner: field("winner"), file: source, line: record.line))
        }
        return ratings
    }

    static func rating(promptID: String, modelA: String, modelB: String, winner: String, file: String, line: Int)
        throws(JudgeError) -> Rating
    {
        for (name, value) in [("prompt_id", promptID), ("model_a", modelA), ("model_b", modelB)] where value.isEmpty {
            throw .malformedLine(file: file, line: line, reason: "\"\(name)\" is empty")
        }
        guard modelA != modelB else {
            throw .malformedLine(file: file, line: line, reason: "\"\(modelA)\" is on both sides")
        }
        let outcome: JudgmentOutcome
        switch winner.lowercased() {
        case "a", "model_a": outcome = .a
        case "b", "model_b": outcome = .b
        case "tie": outcome = .tie
        default:
            throw .malformedLine(file: file, line: line, reason: "winner is \"\(winner)\"; expected a, b or tie")
        }
        return Rating(promptID: promptID, modelA: modelA, modelB: modelB, outcome: outcome, source: "\(file):\(line)")
    }

    /// One CSV record and the line it starts on.
    struct CSVRecord {
        var fields: [String]
        var line: Int
        var isBlank: Bool { fields.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
    }

    /// The records of RFC 4180 `text`; a quoted field may span lines, and a record is named by its first line.
    static func csvRecords(_ text: String, source: String) throws(JudgeError) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var quoted = false
        var quoteLine = 0
        var afterQuote = false
        // Unicode scalars, not Characters: a Character can be "\r\n" or a quote fused with a combining mark.
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return scalars.next()
        }
        if let first = next(), first != "\u{FEFF}" { pending = first }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.unicodeScalars.append("\""); continue }
                        pending = n
                    }
                    quoted = false
                    afterQuote = true
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                fields.append(field); field = ""; afterQuote = false
            case "\r":
                continue
            case "\n":
                fields.append(field); field = ""; afterQuote = false
                records.append(CSVRecord(fields: fields, line: recordLine))
                fields = []
                line += 1
                recordLine = line
            case "\"":
                guard field.trimmingCharacters(in: .whitespaces).isEmpty, !afterQuote else {
                    throw .malformedLine(file: source, line: line, reason: "a quote inside an unquoted field; quote the whole field and double the quote")
                }
                field = ""
                quoted = true
                quoteLine = line
            default:
                if afterQuote && c != " " && c != "\t" {
                    throw .malformedLine(file: source, line: line, reason: "text after a closing quote")
                }
                if !afterQuote { field.unicodeScalars.append(c) }
            }
        }
        if quoted { throw .malformedLine(file: source, line: quoteLine, reason: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || afterQuote {
            fields.append(field)
            records.append(CSVRecord(fields: fields, line: recordLine))
        }
        return records
    }
}
