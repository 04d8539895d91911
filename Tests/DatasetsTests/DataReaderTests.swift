import ExperimentSpec
import Foundation
import Tokenizers
import Testing
@testable import Datasets

/// Each JSONL format on small files written here, format detection, bad lines, bad bytes and empty answers.
struct DataReaderTests {
    @Test func alpacaWithAndWithoutInputUsesQLoRAsTemplate() throws {
        let path = try DataTestPaths.write([
            #"{"instruction": "Add the numbers.", "input": "2 and 3", "output": "5"}"#,
            #"{"instruction": "Say hi.", "input": "", "output": "Hi!"}"#,
            #"{"instruction": "Say bye.", "output": "Bye."}"#,
        ])
        let file = try DatasetFile.read(path: path)
        #expect(file.format == .alpaca)
        #expect(file.records.map(\.line) == [1, 2, 3])
        let withInput = "Below is an instruction that describes a task, paired with an input that provides further context. "
            + "Write a response that appropriately completes the request.\n\n### Instruction:\nAdd the numbers.\n\n"
            + "### Input:\n2 and 3\n\n### Response: "
        let withoutInput = "Below is an instruction that describes a task. Write a response that appropriately completes the "
            + "request.\n\n### Instruction:\nSay hi.\n\n### Response: "
        #expect(file.records[0].content == .pair(source: withInput, target: "5"))
        #expect(file.records[1].content == .pair(source: withoutInput, target: "Hi!"))
        if case .pair(let source, _) = file.records[2].content { #expect(source.contains("Say bye.") && !source.contains("### Input")) }
    }

    @Test func formatDetectionFromTheFirstRecord() throws {
        let cases: [(String, DataFormat)] = [
            (#"{"instruction": "a", "output": "b"}"#, .alpaca),
            (#"{"prompt": "a", "answer": "b"}"#, .pairs),
            (#"{"input": "a", "output": "b"}"#, .pairs),
            (####"{"text": "### Human: a### Assistant: b"}"####, .guanaco),
            (#"{"text": "plain words"}"#, .text),
            (#"{"conversation": [{"human": "a", "assistant": "b"}]}"#, .conversation),
            (#"{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}"#, .messages),
            (#"{"input_ids": [1, 2, 3]}"#, .tokens),
        ]
        for (line, format) in cases {
            #expect(try DatasetFile.parse(Array(line.utf8), path: "x.jsonl").format == format, "\(line)")
        }
        // An explicit format overrides detection.
        let forced = try DatasetFile.parse(Array(####"{"text": "### Human: a### Assistant: b"}"####.utf8), path: "x", format: .text)
        #expect(forced.records[0].content == .text("### Human: a### Assistant: b"))
    }

    @Test func guanacoSplitsIntoTurnsWithTheLossOnAnswers() throws {
        let text = "### Human: Hi there### Assistant: Hello! How can I help?### Human: 讲个笑话### Assistant: 好的。"
        let file = try DatasetFile.parse(Array(try JSONSerialization.data(withJSONObject: ["text": text]))
                                         , path: "g.jsonl")
        #expect(file.format == .guanaco)
        #expect(file.records[0].content == .segments([
            DataSegment("### Human: Hi there### Assistant:", trained: false),
            DataSegment(" Hello! How can I help?", trained: true),
            DataSegment("### Human: 讲个笑话### Assistant:", trained: false),
            DataSegment(" 好的。", trained: true),
        ]))
    }

    @Test func conversationAndMessagesBecomeChats() throws {
        let path = try DataTestPaths.write([
            #"{"system": "Be brief.", "conversation": [{"human": "1+1?", "assistant": "2"}, {"human": "2+2?", "assistant": "4"}]}"#,
        ])
        let file = try DatasetFile.read(path: path)
        #expect(file.records[0].content == .chat([
            ChatMessage(role: "system", content: "Be brief."),
            ChatMessage(role: "user", content: "1+1?"), ChatMessage(role: "assistant", content: "2"),
            ChatMessage(role: "user", content: "2+2?"), ChatMessage(role: "assistant", content: "4"),
        ]))
        let messages = try DatasetFile.parse(Array(#"{"messages": [{"role": "user", "content": "你好"}, {"role": "assistant", "content": "你好！"}]}"#.utf8), path: "m")
        #expect(messages.records[0].content == .chat([ChatMessage(role: "user", content: "你好"), ChatMessage(role: "assistant", content: "你好！")]))
    }

    @Test func tokensWithAndWithoutLabels() throws {
        let file = try DatasetFile.parse(Array("""
            {"input_ids": [5, 6, 7], "labels": [-100, 6, 7]}
            {"input_ids": [8, 9]}
            """.utf8), path: "t.jsonl")
        #expect(file.records.map(\.content) == [.tokens(ids: [5, 6, 7], labels: [-100, 6, 7]), .tokens(ids: [8, 9], labels: nil)])
        #expect(throws: DataError.malformedLine(path: "t.jsonl", line: 1, reason: "labels[1] is neither -100 nor input_ids[1]")) {
            try DatasetFile.parse(Array(#"{"input_ids": [5, 6], "labels": [-100, 9]}"#.utf8), path: "t.jsonl")
        }
    }

    @Test func aBadLineIsAnErrorNamingFileAndLine() throws {
        let path = try DataTestPaths.write([
            #"{"prompt": "a", "answer": "b"}"#,
            "",
            #"{"prompt": "c", "answer": "d""#,
            #"{"prompt": "e"}"#,
            #"[1, 2]"#,
            #"{"prompt": "f", "answer": 7}"#,
            #"{"prompt": "g", "answer": "h"}"#,
        ])
        #expect(throws: DataError.malformedLine(path: path, line: 3, reason: "not valid JSON")) {
            try DatasetFile.read(path: path)
        }
        do {
            _ = try DatasetFile.read(path: path)
        } catch {
            #expect("\(error)".hasPrefix("\(path):3: "))
        }
        let skipped = try DatasetFile.read(path: path, skipBadLines: true)
        #expect(skipped.records.map(\.line) == [1, 7])
        #expect(skipped.report.skippedBadLines == 4)
        #expect(skipped.report.lines == 6)
        #expect(skipped.report.badLineSamples == [
            "3: not valid JSON", "4: missing string field \"answer\"", "5: a record must be a JSON object",
            "6: field \"answer\" is not a string",
        ])
    }

    @Test func undetectableFirstLineAndMissingFile() throws {
        #expect(throws: DataError.self) { try DatasetFile.parse(Array(#"{"question": "a"}"#.utf8), path: "q") }
        #expect(throws: DataError.self) { try DatasetFile.read(path: "/nonexistent/file.jsonl") }
    }

    @Test func emptyAnswersAreDroppedAndCounted() throws {
        let file = try DatasetFile.parse(Array("""
            {"instruction": "a", "output": ""}
            {"instruction": "b", "output": "  \\n"}
            {"instruction": "c", "output": "ok"}
            """.utf8), path: "e", format: .auto)
        #expect(file.records.count == 1)
        #expect(file.report.emptyAnswers == 2)
        // A conversation whose every answer is empty is dropped too.
        let chat = try DatasetFile.parse(Array(#"{"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": " "}]}"#.utf8), path: "c")
        #expect(chat.records.isEmpty && chat.report.emptyAnswers == 1)
    }

    @Test func invalidUTF8IsRepairedAndCounted() throws {
        var bytes = Array(#"{"prompt": "caf"#.utf8)
        bytes += [0xC3]  // a truncated two-byte sequence
        bytes += Array(#"", "answer": "ok"}"#.utf8) + [0x0A]
        bytes += Array(#"{"prompt": "fine", "answer": "好"}"#.utf8)
        let file = try DatasetFile.parse(bytes, path: "u")
        #expect(file.report.invalidUTF8Lines == 1)
        #expect(file.records.map(\.content) == [.pair(source: "caf\u{FFFD}", target: "ok"), .pair(source: "fine", target: "好")])
    }

    @Test func crlfLineEndingsAndBlankLines() throws {
        let file = try DatasetFile.parse(Array("{\"text\": \"a\"}\r\n\r\n  \r\n{\"text\": \"b\"}\r\n".utf8), path: "t")
        #expect(file.records.map(\.content) == [.text("a"), .text("b")])
        #expect(file.records.map(\.line) == [1, 4])
    }
}
