/// A coding key made from any string, for JSON objects whose keys are metric names.
public struct DynamicCodingKey: CodingKey {
    public var stringValue: String
    public var intValue: Int? { nil }

    public init(_ string: String) { stringValue = string }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}
