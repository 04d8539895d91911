import ExperimentSpec
import Foundation
import Support
import Tokenizers
import Tensors

/// A JSONL dataset file read into records, with the counts of what was skipped or repaired.
public struct DatasetFile: Sendable {
    /// The file.
    public let path: String
    /// The format the records were read as (never `auto`).
    public let format: DataFormat
    /// The records, in file order.
    public let records: [DataRecord]
    /// What reading found.
    public var report: DataReport

    /// Reads `path` as `format` (`auto`: from the first record); malformed lines throw, or are skipped and
    /// counted when `skipBadLines` is set.
    public static func read(path: String, format: DataFormat = .auto, skipBadLines: Bool = false) throws(DataError) -> DatasetFile {
        let data: Data
        do { try RegularFile.check(path) } catch { throw .unreadable(path: path, reason: error.message) }
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        return try parse(Array(data), path: path, format: format, skipBadLines: skipBadLines)
    }

    /// Parses the bytes of a JSONL file; `path` only names it in errors and the report.
    public static func parse(_ bytes: [UInt8], path: String, format: DataFormat = .auto, skipBadLines: Bool = false) throws(DataError) -> DatasetFile {
        var format = format
        var report = DataReport(path: path, format: format.rawValue)
        var records: [DataRecord] = []
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            var slice = bytes[start..<end]
            start = end + 1
            if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
            if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            report.lines += 1
            // Bad bytes are repaired, not fatal: one mis-encoded character should not cost a whole record.
            if String(validating: slice, as: UTF8.self) == nil { report.invalidUTF8Lines += 1 }
            let text = String(decoding: slice, as: UTF8.self)
            do {
                guard let json = Self.parseJSON(text) else { throw RecordProblem.malformed("not valid JSON") }
                guard json.object != nil else { throw RecordProblem.malformed("a record must be a JSON object") }
                if format == .auto {
                    guard let detected = DataFormat.detect(json) else {
                        throw RecordProblem.malformed(
                            "cannot tell the format from the keys \(json.object!.keys.sorted()); expected instruction/output, "
                                + "conversation, messages, prompt/answer, input/output, text or input_ids")
                    }
                    format = detected
                    report.format = detected.rawValue
                }
                records.append(DataRecord(line: lineNumber, content: try content(of: json, format: format)))
            } catch RecordProblem.empty {
                report.emptyAnswers += 1
            } catch RecordProblem.malformed(let reason) {
                if !skipBadLines { throw .malformedLine(path: path, line: lineNumber, reason: reason) }
                report.skip(line: lineNumber, reason: reason)
            } catch {
                throw .malformedLine(path: path, line: lineNumber, reason: "\(error)")
            }
        }
        report.records = records.count
        if format == .auto { format = .text }
        return DatasetFile(path: path, format: format, records: records, report: report)
    }

    /// One line's JSON (through `JSONValue.parseFast`: seconds against a minute for the chitchat conversations).
    static func parseJSON(_ text: String) -> JSONValue? {
        try? JSONValue.parseFast(Data(text.utf8))
    }

    private enum RecordProblem: Error {
        case malformed(String)
        case empty
    }

    private static func string(_ json: JSONValue, _ key: String, required: Bool = true) throws -> String {
        switch json[key] {
        case .string(let s)?: return s
        case nil, .null?:
            if required { throw RecordProblem.malformed("missing string field \"\(key)\"") }
            return ""
        default: throw RecordProblem.malformed("field \"\(key)\" is not a string")
        }
    }

    private static func isBlank(_ s: String) -> Bool { s.allSatisfy(\.isWhitespace) }

    private static func content(of json: JSONValue, format: DataFormat) throws -> DataRecord.Content {
        switch format {
        case .auto:
            throw RecordProblem.malformed("no format")
        case .alpaca:
            let instruction = try string(json, "instruction")
            let input = try string(json, "input", required: false)
            let output = try string(json, "output")
            if isBlank(output) { throw RecordProblem.empty }
            return .pair(source: AlpacaTemplate.prompt(instruction: instruction, input: input), target: output)
        case .pairs:
            let (promptKey, answerKey) = json["prompt"] != nil ? ("prompt", "answer") : ("input", "output")
            let prompt = try string(json, promptKey)
            let answer = try string(json, answerKey)
            if isBlank(answer) { throw RecordProblem.empty }
            return .pair(source: prompt, target: answer)
        case .guanaco:
            let text = try string(json, "text")
            guard let segments = GuanacoText.segments(text) else {
                throw RecordProblem.malformed("text has no \"\(GuanacoText.assistantMarker)\" turn")
            }
            if segments.allSatisfy({ !$0.trained || isBlank($0.text) }) { throw RecordProblem.empty }
            return .segments(segments)
        case .conversation:
            guard let turns = json["conversation"]?.array else { throw RecordProblem.malformed("\"conversation\" is not an array") }
            var messages: [ChatMessage] = []
            if let system = json["system"]?.string, !system.isEmpty { messages.append(ChatMessage(role: "system", content: system)) }
            for (i, turn) in turns.enumerated() {
                guard turn.object != nil else { throw RecordProblem.malformed("conversation[\(i)] is not an object") }
                guard turn["human"] != nil || turn["assistant"] != nil else {
                    throw RecordProblem.malformed("conversation[\(i)] has neither \"human\" nor \"assistant\"")
                }
                if turn["human"] != nil {
                    do { messages.append(ChatMessage(role: "user", content: try string(turn, "human"))) }
                    catch { throw RecordProblem.malformed("conversation[\(i)]: field \"human\" is not a string") }
                }
                if turn["assistant"] != nil {
                    do { messages.append(ChatMessage(role: "assistant", content: try string(turn, "assistant"))) }
                    catch { throw RecordProblem.malformed("conversation[\(i)]: field \"assistant\" is not a string") }
                }
            }
            return try chat(messages)
        case .messages:
            guard let list = json["messages"]?.array else { throw RecordProblem.malformed("\"messages\" is not an array") }
            var messages: [ChatMessage] = []
            for (i, message) in list.enumerated() {
                guard let role = message["role"]?.string, let content = message["content"]?.string else {
                    throw RecordProblem.malformed("messages[\(i)] needs string fields \"role\" and \"content\"")
                }
                messages.append(ChatMessage(role: role, content: content))
            }
            return try chat(messages)
        case .text:
            let text = try string(json, "text")
            if isBlank(text) { throw RecordProblem.empty }
            return .text(text)
        case .tokens:
            func ints(_ key: String) throws -> [Int]? {
                guard let value = json[key], value != .null else { return nil }
                guard let array = value.array else { throw RecordProblem.malformed("\"\(key)\" is not an array") }
                return try array.enumerated().map { i, v in
                    guard let n = v.int else { throw RecordProblem.malformed("\(key)[\(i)] is not an integer") }
                    return n
                }
            }
            guard let ids = try ints("input_ids") else { throw RecordProblem.malformed("missing \"input_ids\"") }
            if let bad = ids.firstIndex(where: { $0 < 0 }) { throw RecordProblem.malformed("input_ids[\(bad)] is negative") }
            let labels = try ints("labels")
            if let labels {
                guard labels.count == ids.count else {
                    throw RecordProblem.malformed("labels has \(labels.count) entries, input_ids \(ids.count)")
                }
                // Labels are the inputs themselves (the model shifts them) or -100; anything else is a mistake.
                if let bad = labels.indices.first(where: { labels[$0] != -100 && labels[$0] != ids[$0] }) {
                    throw RecordProblem.malformed("labels[\(bad)] is neither -100 nor input_ids[\(bad)]")
                }
                if labels.allSatisfy({ $0 == -100 }) { throw RecordProblem.empty }
            }
            if ids.isEmpty { throw RecordProblem.empty }
            return .tokens(ids: ids, labels: labels)
        }
    }

    private static func chat(_ messages: [ChatMessage]) throws -> DataRecord.Content {
        guard messages.contains(where: { $0.role == "assistant" }) else { throw RecordProblem.malformed("no assistant turn") }
        if messages.allSatisfy({ $0.role != "assistant" || isBlank($0.content) }) { throw RecordProblem.empty }
        return .chat(messages)
    }
}
