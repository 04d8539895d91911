import Support
import ExperimentSpec
import Tensors

extension DataFormat {
    /// The format a JSON record's keys announce, or nil when they match none.
    public static func detect(_ record: JSONValue) -> DataFormat? {
        guard let object = record.object else { return nil }
        if object["instruction"] != nil { return .alpaca }
        if object["conversation"] != nil { return .conversation }
        if object["messages"] != nil { return .messages }
        if object["input_ids"] != nil { return .tokens }
        if object["prompt"] != nil && object["answer"] != nil { return .pairs }
        if object["input"] != nil && object["output"] != nil { return .pairs }
        if let text = object["text"]?.string {
            return text.contains(GuanacoText.humanMarker) && text.contains(GuanacoText.assistantMarker) ? .guanaco : .text
        }
        return nil
    }
}
