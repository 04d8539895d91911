import Support
/// Axis values are recorded as the labels plans and charts show (`8`, `0.0002`, `nf4`, `true`), all strings;
/// an export gives them back the type the cell's configuration has.
extension JSONValue {
    /// This axis label typed as the setting `name` (a dotted path) is in `config`: a number or boolean where the
    /// setting is one, the label's text where the setting is a string or the label is not JSON (a named label
    /// standing for another value, e.g. `all` for a list of layers). Where the configuration has no such path
    /// (an axis with a name of its own), a label that reads as a number or boolean is taken as one.
    public func typedAxisValue(named name: String, config: JSONValue?) -> JSONValue {
        guard case let .string(label) = self else { return self }
        let setting = config.flatMap { $0.value(atPath: name) }
        if case .string = setting { return self }
        guard let parsed = try? JSONValue.parse(label, what: "axis \(name)") else { return self }
        switch (parsed, setting) {
        case (.bool, .bool?), (.bool, nil), (.integer, .integer?), (.integer, .number?), (.integer, nil),
             (.number, .number?), (.number, .integer?), (.number, nil), (.array, .array?), (.object, .object?):
            return parsed
        default:
            return self
        }
    }

    /// The value at a dotted path of nested objects, if there is one.
    func value(atPath path: String) -> JSONValue? {
        var current = self
        for key in path.split(separator: ".") {
            guard case let .object(members) = current, let next = members[String(key)] else { return nil }
            current = next
        }
        return current
    }
}
