import ExperimentSpec
import Foundation
import Tokenizers
import Testing
@testable import Datasets

/// The collator's token-level semantics: limits, loss masks, packing and padding.
struct CollatorTests {
    static let bytes = try! ByteTokenizer()
    /// A byte vocabulary whose specials are ChatML's, so that `<|im_end|>` is one token and the EOS.
    static let chatBytes = try! ByteTokenizer(specialTokens: ["<pad>", "<|im_start|>", "<|im_end|>"],
                                              pad: "<pad>", bos: "<|im_start|>", eos: "<|im_end|>", chatTemplate: .chatML)

    static func ids(_ s: String) -> [Int] { s.utf8.map(Int.init) }

    @Test func pairIsBOSPromptThenAnswerEOSWithLabelsOnTheAnswer() throws {
        let collator = try Collator(tokenizer: Self.bytes, sourceMaxLength: 10, targetMaxLength: 10)
        var report = DataReport(path: "p", format: "pairs")
        let example = collator.encodePair(source: "1+2=", target: "3\n", report: &report)
        #expect(example.ids == [257] + Self.ids("1+2=") + Self.ids("3\n") + [258])
        #expect(example.labels == [-100, -100, -100, -100, -100] + Self.ids("3\n") + [258])
        #expect(example.length == 6)
    }

    @Test func sourceAndTargetAreCutAtTheirOwnLimits() throws {
        let collator = try Collator(tokenizer: Self.bytes, sourceMaxLength: 4, targetMaxLength: 3)
        var report = DataReport(path: "p", format: "pairs")
        // Source: BOS + "abcdef" cut to 4 tokens = BOS a b c. Target: "xyz" + EOS cut to 3 = x y z (EOS lost).
        let cut = collator.encodePair(source: "abcdef", target: "xyz", report: &report)
        #expect(cut.ids == [257] + Self.ids("abc") + Self.ids("xyz"))
        #expect(cut.labels == [-100, -100, -100, -100] + Self.ids("xyz"))
        #expect(report.truncatedSources == 1 && report.truncatedTargets == 1)
        // Exactly at both limits: nothing is cut, nothing counted.
        let fits = collator.encodePair(source: "abc", target: "xy", report: &report)
        #expect(fits.ids == [257] + Self.ids("abc") + Self.ids("xy") + [258])
        #expect(report.truncatedSources == 1 && report.truncatedTargets == 1)
        // One over the target limit drops only the EOS.
        let over = collator.encodePair(source: "a", target: "xyz", report: &report)
        #expect(over.ids == [257] + Self.ids("a") + Self.ids("xyz"))
        #expect(report.truncatedTargets == 2 && report.truncatedSources == 1)
    }

    @Test func trainOnSourcePutsLabelsEverywhere() throws {
        let collator = try Collator(tokenizer: Self.bytes, sourceMaxLength: 8, targetMaxLength: 8, trainOnSource: true)
        var report = DataReport(path: "p", format: "pairs")
        let example = collator.encodePair(source: "q", target: "a", report: &report)
        #expect(example.labels == example.ids)
    }

    @Test func multiTurnLossIsOnEveryAssistantTurnAndNothingElse() throws {
        let collator = try Collator(tokenizer: Self.chatBytes, sourceMaxLength: 200, targetMaxLength: 200)
        let messages = [
            ChatMessage(role: "system", content: "Be brief."),
            ChatMessage(role: "user", content: "1+1?"), ChatMessage(role: "assistant", content: "2"),
            ChatMessage(role: "user", content: "and 2+2?"), ChatMessage(role: "assistant", content: "4, of course"),
        ]
        var report = DataReport(path: "c", format: "messages")
        let example = try collator.encode(DataRecord(line: 1, content: .chat(messages)), path: "c", report: &report)
        // Expected, piece by piece: (text or special id, trained).
        let start = 257, end = 258
        var ids: [Int] = [], trained: [Bool] = []
        func add(_ piece: [Int], _ t: Bool) { ids += piece; trained += Array(repeating: t, count: piece.count) }
        add([start] + Self.ids("system\nBe brief.") + [end] + Self.ids("\n"), false)
        add([start] + Self.ids("user\n1+1?") + [end] + Self.ids("\n"), false)
        add([start] + Self.ids("assistant\n"), false)
        add(Self.ids("2") + [end], true)
        add(Self.ids("\n"), false)
        add([start] + Self.ids("user\nand 2+2?") + [end] + Self.ids("\n"), false)
        add([start] + Self.ids("assistant\n"), false)
        add(Self.ids("4, of course") + [end], true)
        add(Self.ids("\n"), false)
        #expect(example.ids == ids)
        for i in ids.indices {
            #expect(example.trained[i] == trained[i], "token \(i) (\(Self.chatBytes.decode([ids[i]]).debugDescription))")
        }
        // The whole ids are exactly the template's rendering, tokenized.
        #expect(example.ids == Self.chatBytes.encode(ChatTemplate.chatML.render(messages, addGenerationPrompt: false)))
    }

    @Test func longChatsAreCutAtTheTotalLimitExactlyAsTheFullEncodingWouldBe() throws {
        var messages: [ChatMessage] = []
        for i in 0..<40 { messages += [ChatMessage(role: "user", content: "question \(i)"), ChatMessage(role: "assistant", content: "answer \(i)")] }
        let record = DataRecord(line: 1, content: .chat(messages))
        var report = DataReport(path: "c", format: "messages")
        let full = try Collator(tokenizer: Self.chatBytes, sourceMaxLength: 5000, targetMaxLength: 5000).encode(record, path: "c", report: &report)
        #expect(report.truncatedExamples == 0)
        for limit in [10, 37, 120] {
            let cut = try Collator(tokenizer: Self.chatBytes, sourceMaxLength: limit - 5, targetMaxLength: 5).encode(record, path: "c", report: &report)
            #expect(cut.ids == Array(full.ids.prefix(limit)) && cut.trained == Array(full.trained.prefix(limit)), "limit \(limit)")
        }
        #expect(report.truncatedExamples == 3)
    }

    @Test func chatWithATrailingUserTurnTrainsOnlyTheAnswers() throws {
        let collator = try Collator(tokenizer: Self.chatBytes, sourceMaxLength: 100, targetMaxLength: 100)
        let messages = [ChatMessage(role: "user", content: "a"), ChatMessage(role: "assistant", content: "b"),
                        ChatMessage(role: "user", content: "c")]
        var report = DataReport(path: "c", format: "messages")
        let example = try collator.encode(DataRecord(line: 1, content: .chat(messages)), path: "c", report: &report)
        let labelled = zip(example.ids, example.trained).filter(\.1).map(\.0)
        #expect(labelled == Self.ids("b") + [258])
        #expect(Self.chatBytes.decode(example.ids).hasSuffix("<|im_start|>user\nc<|im_end|>\n"))
    }

    @Test func chineseConversationWithSmolLM2sTemplate() throws {
        let path = DataTestPaths.packageRoot.appendingPathComponent(".cache/models/smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf").path
        try #require(FileManager.default.fileExists(atPath: path), "run scripts/setup to fetch SmolLM2")
        let tokenizer = try BPETokenizer(ggufPath: path)
        let file = try DatasetFile.parse(Array("""
            {"conversation": [{"human": "床前明月光的下一句是什么？", "assistant": "疑是地上霜。"}, {"human": "作者是谁？", "assistant": "李白。"}]}
            """.utf8), path: "zh.jsonl")
        let collator = try Collator(tokenizer: tokenizer, sourceMaxLength: 384, targetMaxLength: 128)
        var report = file.report
        let examples = try collator.encode(file.records, path: file.path, report: &report)
        let example = try #require(examples.first)
        // SmolLM2's template adds its default system prompt; none of it is trained.
        let text = tokenizer.decode(example.ids)
        #expect(text.hasPrefix("<|im_start|>system\n"))
        #expect(text.contains("<|im_start|>user\n床前明月光的下一句是什么？<|im_end|>\n<|im_start|>assistant\n疑是地上霜。<|im_end|>"))
        // The labelled tokens, run by run, are exactly the two answers with their end-of-turn tokens.
        var runs: [[Int]] = []
        for (i, t) in example.trained.enumerated() where t {
            if i > 0 && example.trained[i - 1] { runs[runs.count - 1].append(example.ids[i]) } else { runs.append([example.ids[i]]) }
        }
        #expect(runs.map { tokenizer.decode($0) } == ["疑是地上霜。<|im_end|>", "李白。<|im_end|>"])
    }

    @Test func guanacoAndTokensAreCutAtTheTotalLimit() throws {
        let collator = try Collator(tokenizer: Self.bytes, sourceMaxLength: 6, targetMaxLength: 6)
        var report = DataReport(path: "g", format: "guanaco")
        let segments = try #require(GuanacoText.segments("### Human: hi### Assistant: yo"))
        let full = try Collator(tokenizer: Self.bytes, sourceMaxLength: 100, targetMaxLength: 100)
            .encode(DataRecord(line: 1, content: .segments(segments)), path: "g", report: &report)
        #expect(full.ids == [257] + Self.ids("### Human: hi### Assistant: yo") + [258])
        #expect(zip(full.ids, full.trained).filter(\.1).map(\.0) == Self.ids(" yo") + [258])
        let cut = try collator.encode(DataRecord(line: 1, content: .segments(segments)), path: "g", report: &report)
        #expect(cut.ids.count == 12 && report.truncatedExamples == 1)
        let tokens = try collator.encode(DataRecord(line: 2, content: .tokens(ids: Array(0..<20), labels: nil)), path: "t", report: &report)
        #expect(tokens.ids == Array(0..<12) && tokens.trained.allSatisfy { $0 } && report.truncatedExamples == 2)
        #expect(throws: DataError.malformedLine(path: "t", line: 3, reason: "input_ids[1] = 999 is outside the vocabulary of 259")) {
            try collator.encode(DataRecord(line: 3, content: .tokens(ids: [1, 999], labels: nil)), path: "t", report: &report)
        }
    }

    /// Table 9's "no source limit" is Int.max: a sum with it must not overflow (the module is built with its
    /// checks, so an overflow traps), and a conversation of any length is kept whole up to the other limit.
    @Test func noSourceLimitIsALimitNotAnOverflow() throws {
        let collator = try Collator(tokenizer: Self.chatBytes, sourceMaxLength: Int.max, targetMaxLength: 64)
        #expect(collator.maxLength == Int.max)
        var messages: [ChatMessage] = []
        for i in 0..<30 { messages += [ChatMessage(role: "user", content: "question \(i)"), ChatMessage(role: "assistant", content: "answer \(i)")] }
        var report = DataReport(path: "c", format: "messages")
        let whole = try Collator(tokenizer: Self.chatBytes, sourceMaxLength: 100_000, targetMaxLength: 100_000)
            .encode(DataRecord(line: 1, content: .chat(messages)), path: "c", report: &report)
        let unlimited = try collator.encode(DataRecord(line: 1, content: .chat(messages)), path: "c", report: &report)
        #expect(unlimited.ids == whole.ids && unlimited.trained == whole.trained)
        #expect(report.truncatedExamples == 0)
        // Plain text is not packed to an infinite length: each document is a sequence of its own.
        let texts = try Collator(tokenizer: Self.bytes, sourceMaxLength: Int.max, targetMaxLength: 2)
            .encode(["abc", "de"].enumerated().map { DataRecord(line: $0 + 1, content: .text($1)) }, path: "t", report: &report)
        #expect(texts.map(\.ids) == [[257] + Self.ids("abc") + [258], [257] + Self.ids("de") + [258]])
    }

    @Test func plainTextIsPackedIntoFullSequences() throws {
        let collator = try Collator(tokenizer: Self.bytes, sourceMaxLength: 3, targetMaxLength: 2)
        var report = DataReport(path: "t", format: "text")
        let records = ["abc", "defgh", "床"].enumerated().map { DataRecord(line: $0 + 1, content: .text($1)) }
        let examples = try collator.encode(records, path: "t", report: &report)
        // Stream: <s>abc</s> <s>defgh</s> <s>床(3 bytes)</s> = 5 + 7 + 5 = 17 tokens → 3 sequences of 5, 2 left over.
        let stream = [257] + Self.ids("abc") + [258, 257] + Self.ids("defgh") + [258, 257] + Self.ids("床") + [258]
        #expect(examples.map(\.ids) == [Array(stream[0..<5]), Array(stream[5..<10]), Array(stream[10..<15])])
        #expect(examples.allSatisfy { $0.trained.allSatisfy { $0 } })
        #expect(report.droppedPackedTokens == 2)
    }

    @Test func batchesArePaddedOnTheRightWithMaskedLabels() throws {
        // SmolLM2 pads with its EOS: the mask must come from the positions, not from comparing ids.
        let tokenizer = try ByteTokenizer(specialTokens: ["<s>", "</s>"], pad: "</s>", bos: "<s>", eos: "</s>")
        let collator = try Collator(tokenizer: tokenizer, sourceMaxLength: 8, targetMaxLength: 8)
        var report = DataReport(path: "p", format: "pairs")
        let a = collator.encodePair(source: "ab", target: "c", report: &report)
        let b = collator.encodePair(source: "a", target: "b", report: &report)
        let batch = try collator.batch([a, b])
        #expect(batch.batchSize == 2 && batch.sequenceLength == 5)
        #expect(Array(batch.inputIDs(row: 1)) == [256, 97, 98, 257, 257])
        #expect(Array(batch.attentionMask(row: 1)) == [1, 1, 1, 1, 0])
        #expect(Array(batch.labels(row: 1)) == [-100, -100, 98, 257, -100])
        #expect(batch.labelCount == 4 && batch.tokenCount == 9)
        let fixed = try collator.batch([a, b], length: 7)
        #expect(fixed.sequenceLength == 7 && Array(fixed.attentionMask(row: 0)) == [1, 1, 1, 1, 1, 0, 0])
        #expect(throws: DataError.self) { try collator.batch([a], length: 3) }
    }

    @Test func limitsMustBePositive() {
        #expect(throws: DataError.self) { try Collator(tokenizer: Self.bytes, sourceMaxLength: 0, targetMaxLength: 4) }
    }
}

/// `assistantTurns: .last`: only the last assistant turn the example keeps carries the loss.
struct LastAssistantTurnTests {
    static let chatBytes = CollatorTests.chatBytes
    static func ids(_ s: String) -> [Int] { s.utf8.map(Int.init) }

    private func labelledRuns(_ example: DataExample) -> [String] {
        var runs: [[Int]] = []
        for (i, t) in example.trained.enumerated() where t {
            if i > 0 && example.trained[i - 1] { runs[runs.count - 1].append(example.ids[i]) } else { runs.append([example.ids[i]]) }
        }
        return runs.map { Self.chatBytes.decode($0) }
    }

    private let messages = [
        ChatMessage(role: "user", content: "1+1?"), ChatMessage(role: "assistant", content: "2"),
        ChatMessage(role: "user", content: "2+2?"), ChatMessage(role: "assistant", content: "4"),
        ChatMessage(role: "user", content: "3+3?"), ChatMessage(role: "assistant", content: "six"),
    ]

    @Test func onlyTheLastAnswerIsLabelledAndTheTokensAreTheSame() throws {
        var report = DataReport(path: "c", format: "messages")
        let record = DataRecord(line: 1, content: .chat(messages))
        let all = try Collator(tokenizer: Self.chatBytes, sourceMaxLength: 200, targetMaxLength: 200).encode(record, path: "c", report: &report)
        let last = try Collator(tokenizer: Self.chatBytes, sourceMaxLength: 200, targetMaxLength: 200, assistantTurns: .last)
            .encode(record, path: "c", report: &report)
        #expect(labelledRuns(all) == ["2<|im_end|>", "4<|im_end|>", "six<|im_end|>"])
        #expect(labelledRuns(last) == ["six<|im_end|>"])
        #expect(last.ids == all.ids)
        // Under trainOnSource the earlier answers are context like the prompts: labelled with everything else.
        let everything = try Collator(tokenizer: Self.chatBytes, sourceMaxLength: 200, targetMaxLength: 200, trainOnSource: true,
                                      assistantTurns: .last).encode(record, path: "c", report: &report)
        #expect(everything.trained.allSatisfy { $0 })
    }

    @Test func aCutConversationKeepsTheLastAnswerThatStartsBeforeTheCut() throws {
        var report = DataReport(path: "c", format: "messages")
        let record = DataRecord(line: 1, content: .chat(messages))
        let full = try Collator(tokenizer: Self.chatBytes, sourceMaxLength: 200, targetMaxLength: 200).encode(record, path: "c", report: &report)
        // Where the second answer ("4") starts: a cut just after it keeps "4" and loses "six".
        let text = Self.chatBytes.decode(full.ids)
        let secondAnswer = try #require(text.range(of: "assistant\n4"))
        let start = Self.chatBytes.encode(String(text[..<secondAnswer.upperBound])).count - 1
        for limit in [start + 1, start + 2] {
            let cut = try Collator(tokenizer: Self.chatBytes, sourceMaxLength: limit - 1, targetMaxLength: 1, assistantTurns: .last)
                .encode(record, path: "c", report: &report)
            #expect(cut.ids == Array(full.ids.prefix(limit)))
            let kept = labelledRuns(cut)
            #expect(kept.count == 1 && kept[0].hasPrefix("4"), "limit \(limit): \(kept)")
        }
        // A cut before the first answer starts leaves nothing labelled, as with every turn.
        let none = try Collator(tokenizer: Self.chatBytes, sourceMaxLength: 4, targetMaxLength: 1, assistantTurns: .last)
            .encode(record, path: "c", report: &report)
        #expect(!none.trained.contains(true))
    }

    @Test func guanacoTextKeepsOnlyItsLastTrainedSegment() throws {
        let bytes = CollatorTests.bytes
        let segments = [DataSegment("### Human: a", trained: false), DataSegment(" ### Assistant: b", trained: true),
                        DataSegment(" ### Human: c", trained: false), DataSegment(" ### Assistant: d", trained: true)]
        var report = DataReport(path: "g", format: "guanaco")
        let record = DataRecord(line: 1, content: .segments(segments))
        let last = try Collator(tokenizer: bytes, sourceMaxLength: 100, targetMaxLength: 100, assistantTurns: .last)
            .encode(record, path: "g", report: &report)
        let labelled = zip(last.ids, last.trained).filter(\.1).map(\.0)
        #expect(labelled == Self.ids(" ### Assistant: d") + [258])
    }
}
