/// Splits OpenAssistant-Guanaco text (`### Human: … ### Assistant: …`) into turns.
public enum GuanacoText {
    /// The marker that opens a human turn.
    public static let humanMarker = "### Human:"
    /// The marker that opens an assistant turn.
    public static let assistantMarker = "### Assistant:"

    /// The text in segments — markers, human turns and anything before the first marker untrained, assistant
    /// answers trained — or nil when the text has no assistant marker.
    public static func segments(_ text: String) -> [DataSegment]? {
        var segments: [DataSegment] = []
        var position = text.startIndex
        var inAssistant = false
        var sawAssistant = false
        func append(_ piece: Substring, trained: Bool) {
            guard !piece.isEmpty else { return }
            // Merge neighbours with the same flag so that the tokenizer sees the longest runs it can.
            if let last = segments.last, last.trained == trained {
                segments[segments.count - 1].text += piece
            } else {
                segments.append(DataSegment(String(piece), trained: trained))
            }
        }
        while position < text.endIndex {
            let human = text.range(of: humanMarker, range: position..<text.endIndex)
            let assistant = text.range(of: assistantMarker, range: position..<text.endIndex)
            let next: (range: Range<String.Index>, isAssistant: Bool)?
            switch (human, assistant) {
            case let (h?, a?): next = h.lowerBound < a.lowerBound ? (h, false) : (a, true)
            case let (h?, nil): next = (h, false)
            case let (nil, a?): next = (a, true)
            case (nil, nil): next = nil
            }
            guard let next else {
                append(text[position...], trained: inAssistant)
                break
            }
            append(text[position..<next.range.lowerBound], trained: inAssistant)
            append(text[next.range], trained: false)
            inAssistant = next.isAssistant
            sawAssistant = sawAssistant || next.isAssistant
            position = next.range.upperBound
        }
        return sawAssistant ? segments : nil
    }
}
