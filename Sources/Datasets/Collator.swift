import ExperimentSpec
import Tokenizers

/// QLoRA's collator: turns records into token ids with a loss mask, and examples into right-padded batches.
///
/// A prompt/answer record becomes source = BOS + prompt and target = answer + EOS, tokenized separately, each
/// cut to its own limit from the right, labels only on the target unless `trainOnSource` (qlora.py
/// `DataCollatorForCausalLM`). Conversations, Guanaco text and pre-tokenized records are cut at the sum of the
/// two limits; plain text is packed into sequences of exactly that sum.
public struct Collator: Sendable {
    /// The tokenizer (its BOS, EOS, pad ids and chat template are used).
    public let tokenizer: any Tokenizer
    /// Longest source in tokens, BOS included.
    public let sourceMaxLength: Int
    /// Longest target in tokens, EOS included.
    public let targetMaxLength: Int
    /// Put the loss on the source too.
    public let trainOnSource: Bool
    /// Which assistant turns of a conversation (or trained segments of Guanaco text) carry the loss.
    public let assistantTurns: AssistantTurns

    /// A collator with explicit limits.
    public init(tokenizer: any Tokenizer, sourceMaxLength: Int, targetMaxLength: Int, trainOnSource: Bool = false,
                assistantTurns: AssistantTurns = .all) throws(DataError) {
        guard sourceMaxLength >= 1, targetMaxLength >= 1 else {
            throw .invalidSetting("source and target limits must be at least 1 (got \(sourceMaxLength) and \(targetMaxLength))")
        }
        self.tokenizer = tokenizer
        self.sourceMaxLength = sourceMaxLength
        self.targetMaxLength = targetMaxLength
        self.trainOnSource = trainOnSource
        self.assistantTurns = assistantTurns
    }

    /// A collator with the limits of `settings`.
    public init(tokenizer: any Tokenizer, settings: DataSettings) throws(DataError) {
        try self.init(tokenizer: tokenizer, sourceMaxLength: settings.sourceMaxLength,
                      targetMaxLength: settings.targetMaxLength, trainOnSource: settings.trainOnSource,
                      assistantTurns: settings.assistantTurns)
    }

    /// The longest example: source limit plus target limit (also the packed length of plain text). "No limit"
    /// is `Int.max` (Table 9's rows without a source limit), and a sum with it stays `Int.max`, not an overflow.
    public var maxLength: Int {
        let (sum, overflow) = sourceMaxLength.addingReportingOverflow(targetMaxLength)
        return overflow ? Int.max : sum
    }

    /// The id padding uses: the pad id, else EOS, else 0 (the attention mask, not the id, marks padding).
    public var padID: Int { tokenizer.padID ?? tokenizer.eosID ?? 0 }

    /// Tokenizes the records of `file` (`path` names it in errors); text records are packed together.
    public func encode(_ records: [DataRecord], path: String, report: inout DataReport) throws(DataError) -> [DataExample] {
        var examples: [DataExample] = []
        var documents: [String] = []
        for record in records {
            if case .text(let text) = record.content {
                documents.append(text)
                continue
            }
            examples.append(try encode(record, path: path, report: &report))
        }
        if !documents.isEmpty { examples += pack(documents, report: &report) }
        return examples
    }

    /// Tokenizes one record that is not plain text (plain text is packed by `encode(_:path:report:)`).
    public func encode(_ record: DataRecord, path: String, report: inout DataReport) throws(DataError) -> DataExample {
        switch record.content {
        case .pair(let source, let target):
            return encodePair(source: source, target: target, length: record.characterLength, report: &report)
        case .segments(let segments):
            var ids: [Int] = [], trained: [Bool] = [], turns: [Range<Int>] = []
            if let bos = tokenizer.bosID { ids.append(bos); trained.append(trainOnSource) }
            for segment in segments {
                let piece = tokenizer.encode(segment.text)
                if segment.trained { turns.append(ids.count..<ids.count + piece.count) }
                ids += piece
                trained += Array(repeating: segment.trained || trainOnSource, count: piece.count)
            }
            if let eos = tokenizer.eosID {
                ids.append(eos)
                trained.append((segments.last?.trained ?? false) || trainOnSource)
                if segments.last?.trained ?? false, let last = turns.popLast() { turns.append(last.lowerBound..<last.upperBound + 1) }
            }
            keepOnlyTheLastTurn(of: turns, in: &trained)
            return truncated(ids, trained, length: record.characterLength, report: &report)
        case .chat(let messages):
            let (ids, trained, stopped) = try encodeChat(messages, path: path, line: record.line, limit: maxLength)
            return truncated(ids, trained, length: record.characterLength, stoppedEarly: stopped, report: &report)
        case .tokens(let ids, let labels):
            if let bad = ids.firstIndex(where: { $0 >= tokenizer.vocabularySize }) {
                throw .malformedLine(path: path, line: record.line,
                                     reason: "input_ids[\(bad)] = \(ids[bad]) is outside the vocabulary of \(tokenizer.vocabularySize)")
            }
            let trained = labels.map { $0.map { $0 != -100 || trainOnSource } } ?? Array(repeating: true, count: ids.count)
            return truncated(ids, trained, length: record.characterLength, report: &report)
        case .text:
            // A document alone is not an example: documents are packed together, across record boundaries.
            throw .invalidSetting("\(path):\(record.line): plain text is packed with the other documents; encode the records together")
        }
    }

    /// QLoRA's source/target encoding of one prompt and answer.
    public func encodePair(source: String, target: String, length: Int? = nil, report: inout DataReport) -> DataExample {
        var sourceIDs = tokenizer.bosID.map { [$0] } ?? []
        sourceIDs += tokenizer.encode(source)
        var targetIDs = tokenizer.encode(target)
        if let eos = tokenizer.eosID { targetIDs.append(eos) }
        if sourceIDs.count > sourceMaxLength {
            sourceIDs.removeLast(sourceIDs.count - sourceMaxLength)
            report.truncatedSources += 1
        }
        if targetIDs.count > targetMaxLength {
            targetIDs.removeLast(targetIDs.count - targetMaxLength)
            report.truncatedTargets += 1
        }
        let trained = Array(repeating: trainOnSource, count: sourceIDs.count) + Array(repeating: true, count: targetIDs.count)
        return DataExample(ids: sourceIDs + targetIDs, trained: trained,
                           length: length ?? (source.unicodeScalars.count + target.unicodeScalars.count))
    }

    /// Plain-text documents as BOS + text + EOS, concatenated and cut into sequences of `maxLength` tokens,
    /// every position trained; the tail shorter than a sequence is dropped and counted.
    public func pack(_ documents: [String], report: inout DataReport) -> [DataExample] {
        var stream: [Int] = []
        for document in documents {
            if let bos = tokenizer.bosID { stream.append(bos) }
            stream += tokenizer.encode(document)
            if let eos = tokenizer.eosID { stream.append(eos) }
        }
        // No limit: nothing to pack to, so each document is one sequence of its own length.
        if maxLength == Int.max {
            return documents.map { document in
                let ids = (tokenizer.bosID.map { [$0] } ?? []) + tokenizer.encode(document) + (tokenizer.eosID.map { [$0] } ?? [])
                return DataExample(ids: ids, trained: Array(repeating: true, count: ids.count))
            }
        }
        let length = maxLength
        let full = stream.count / length
        report.droppedPackedTokens += stream.count - full * length
        return (0..<full).map { i in
            DataExample(ids: Array(stream[i * length..<(i + 1) * length]), trained: Array(repeating: true, count: length))
        }
    }

    private func truncated(_ ids: [Int], _ trained: [Bool], length: Int, stoppedEarly: Bool = false, report: inout DataReport) -> DataExample {
        guard ids.count > maxLength || stoppedEarly else { return DataExample(ids: ids, trained: trained, length: length) }
        report.truncatedExamples += 1
        return DataExample(ids: Array(ids.prefix(maxLength)), trained: Array(trained.prefix(maxLength)), length: length)
    }

    /// A conversation through the chat template, the loss on each assistant turn's text and end-of-turn marker.
    ///
    /// The template is rendered once per assistant turn: what the full text adds after the generation prompt
    /// of the turns before it is that turn's answer. This works for any template that renders a conversation
    /// as a prefix of its continuations, and refuses (naming the line) one that does not. Rendering stops once
    /// `limit` tokens are reached (`stopped`), since truncation would drop the rest and long chats would
    /// otherwise cost time quadratic in their turns.
    func encodeChat(_ messages: [ChatMessage], path: String, line: Int, limit: Int = .max) throws(DataError)
        -> (ids: [Int], trained: [Bool], stopped: Bool)
    {
        let template = tokenizer.chatTemplate ?? ChatTemplate.chatML
        let endOfTurn = tokenizer.eosID.map { tokenizer.decode([$0]) }
        var ids: [Int] = [], trained: [Bool] = [], turns: [Range<Int>] = []
        func add(_ segment: DataSegment, turn: Bool = false) {
            guard !segment.text.isEmpty else { return }
            let piece = tokenizer.encode(segment.text)
            if turn { turns.append(ids.count..<ids.count + piece.count) }
            ids += piece
            trained += Array(repeating: segment.trained, count: piece.count)
        }
        var done = ""  // the rendered text tokenized so far
        func rest(_ text: String, after prefix: String) throws(DataError) -> String {
            guard text.unicodeScalars.starts(with: prefix.unicodeScalars) else {
                throw .malformedLine(path: path, line: line, reason: "the chat template does not render this conversation "
                                     + "as a prefix of its continuation, so the assistant turns cannot be located")
            }
            return String(String.UnicodeScalarView(text.unicodeScalars.dropFirst(prefix.unicodeScalars.count)))
        }
        for (i, message) in messages.enumerated() where message.role == "assistant" {
            let header = template.render(Array(messages[..<i]), addGenerationPrompt: true)
            let full = template.render(Array(messages[...i]), addGenerationPrompt: false)
            let before = try rest(header, after: done)
            let answer = try rest(full, after: header)
            // The loss stops after the end-of-turn marker: the whitespace a template puts after it is layout.
            var cut = answer.unicodeScalars.endIndex
            while cut > answer.unicodeScalars.startIndex,
                  answer.unicodeScalars[answer.unicodeScalars.index(before: cut)].properties.isWhitespace {
                cut = answer.unicodeScalars.index(before: cut)
            }
            let scalars = answer.unicodeScalars
            var trainedPart = String(String.UnicodeScalarView(scalars[..<cut]))
            if let endOfTurn, !endOfTurn.isEmpty, let range = trainedPart.range(of: endOfTurn, options: .backwards) {
                trainedPart = String(trainedPart[..<range.upperBound])
            }
            let tail = try rest(answer, after: trainedPart)
            add(DataSegment(before, trained: trainOnSource))
            add(DataSegment(trainedPart, trained: true), turn: true)
            add(DataSegment(tail, trained: trainOnSource))
            done = full
            if ids.count >= limit && i + 1 < messages.count {
                keepOnlyTheLastTurn(of: turns, in: &trained, limit: limit)
                return (ids, trained, true)
            }
        }
        let whole = template.render(messages, addGenerationPrompt: false)
        add(DataSegment(try rest(whole, after: done), trained: trainOnSource))
        keepOnlyTheLastTurn(of: turns, in: &trained, limit: limit)
        return (ids, trained, false)
    }

    /// With `assistantTurns == .last`, unlabels every turn in `turns` (token ranges) but the last one that starts
    /// within the first `limit` tokens, the ones an example cut at `limit` keeps: those turns become context
    /// (labelled only under `trainOnSource`). Every example that keeps an answer keeps one to learn from.
    private func keepOnlyTheLastTurn(of turns: [Range<Int>], in trained: inout [Bool], limit: Int? = nil) {
        guard assistantTurns == .last else { return }
        let limit = limit ?? maxLength
        guard let kept = turns.lastIndex(where: { $0.lowerBound < limit }) else { return }
        for (i, turn) in turns.enumerated() where i != kept {
            for position in turn { trained[position] = trainOnSource }
        }
    }

    /// `examples` right-padded into one batch, to `length` when given (throws if one is longer), else to the
    /// longest; the attention mask is 1 exactly on the examples' own tokens.
    public func batch(_ examples: [DataExample], length: Int? = nil) throws(DataError) -> Batch {
        let longest = examples.map(\.ids.count).max() ?? 0
        let width = length ?? longest
        guard longest <= width else {
            throw .invalidSetting("an example of \(longest) tokens does not fit a batch padded to \(width)")
        }
        var inputIDs: [Int] = [], mask: [Int] = [], labels: [Int] = []
        inputIDs.reserveCapacity(examples.count * width)
        mask.reserveCapacity(examples.count * width)
        labels.reserveCapacity(examples.count * width)
        let pad = padID
        for example in examples {
            let padding = width - example.ids.count
            inputIDs += example.ids + Array(repeating: pad, count: padding)
            mask += Array(repeating: 1, count: example.ids.count) + Array(repeating: 0, count: padding)
            labels += example.labels + Array(repeating: -100, count: padding)
        }
        return try Batch(batchSize: examples.count, sequenceLength: width, inputIDs: inputIDs, attentionMask: mask, labels: labels)
    }
}
