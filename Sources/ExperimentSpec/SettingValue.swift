import Foundation

/// Command-line text read as a value of a `TrainingConfig` setting, through the configuration's JSON tree: the
/// tree says which keys exist and what type each holds, and decoding the edited tree checks the rest (enum cases).
enum SettingValue {
    /// The settings that can be overridden (scalars and arrays of scalars), by dotted path.
    static func leaves(of tree: CanonicalJSON.Value, prefix: String = "") -> [String: CanonicalJSON.Value] {
        switch tree {
        case .object(let members):
            var result: [String: CanonicalJSON.Value] = [:]
            for (key, value) in members {
                result.merge(leaves(of: value, prefix: prefix.isEmpty ? key : prefix + "." + key)) { a, _ in a }
            }
            return result
        case .array(let elements):
            // Lists of objects (evaluations) have no one-line spelling, and an empty list does not show what
            // its elements would be; both stay in the spec.
            let objects = elements.contains { if case .object = $0 { true } else { false } }
            return objects || elements.isEmpty ? [:] : [prefix: tree]
        case .null: return [:]
        default: return [prefix: tree]
        }
    }

    /// The alternatives of an axis: `a,b` is two, `[a,b],[c]` two lists.
    static func alternatives(_ text: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        for c in text {
            if c == "[" { depth += 1 } else if c == "]" { depth -= 1 }
            if c == ",", depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// `text` read as the type of the current value `current` of setting `key`.
    static func parse(_ text: String, key: String, like current: CanonicalJSON.Value) throws(OverrideError) -> CanonicalJSON.Value {
        switch current {
        case .bool:
            switch text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw .wrongType(key: key, value: text, expected: "true or false")
            }
        case .integer, .unsignedInteger:
            if let i = Int64(text) { return .integer(i) }
            if let u = UInt64(text) { return .unsignedInteger(u) }
            throw .wrongType(key: key, value: text, expected: "an integer")
        case .number:
            guard let d = Double(text), d.isFinite else { throw .wrongType(key: key, value: text, expected: "a number") }
            return .number(d)
        case .string: return .string(text)
        case .array(let elements):
            guard text.hasPrefix("["), text.hasSuffix("]") else {
                throw .wrongType(key: key, value: text, expected: "a list in brackets, e.g. [a,b]")
            }
            let inner = text.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            guard !inner.isEmpty else { return .array([]) }
            let element = elements.first ?? .string("")
            return .array(try inner.split(separator: ",", omittingEmptySubsequences: false).map { part throws(OverrideError) in
                try parse(part.trimmingCharacters(in: .whitespaces), key: key, like: element)
            })
        case .null, .object: throw .wrongType(key: key, value: text, expected: "a value the command line cannot spell")
        }
    }

    /// The value as plans and reports print it: canonical JSON, strings without quotes.
    static func label(_ value: CanonicalJSON.Value) -> String {
        if case .string(let s) = value { return s }
        return CanonicalJSON.write(value)
    }

    /// `config` with setting `key` (a path `leaves` lists) set to `value`; throws when the result does not decode.
    static func write(_ value: CanonicalJSON.Value, at key: String, text: String, into config: TrainingConfig) throws -> TrainingConfig {
        let path = key.split(separator: ".").map(String.init)[...]
        let original = try JSONTreeEncoder().encode(config)
        let decode = { (value: CanonicalJSON.Value) throws -> TrainingConfig in
            try JSONDecoder().decode(TrainingConfig.self, from: Data(CanonicalJSON.write(replacing(original, at: path, with: value)).utf8))
        }
        do {
            return try decode(value)
        } catch let DecodingError.dataCorrupted(context) {
            // A word the setting's type does not name: the words it does, found by trying each known one.
            if case .string = value {
                let valid = choices.filter { (try? decode(.string($0))) != nil }
                if !valid.isEmpty { throw OverrideError.wrongType(key: key, value: text, expected: "one of \(valid.joined(separator: ", "))") }
            }
            throw OverrideError.wrongType(key: key, value: text, expected: "a valid value (\(context.debugDescription))")
        } catch let DecodingError.typeMismatch(type, _) {
            throw OverrideError.wrongType(key: key, value: text, expected: "a value of type \(type)")
        }
    }

    /// Every word a setting of a fixed set of values can take (the configuration's string enumerations).
    static let choices: [String] = {
        var words: [String] = []
        let sets: [[String]] = [QuantizationKind.allCases.map(\.rawValue), LoRATarget.allCases.map(\.rawValue),
                                LoRASettings.LayerSet.allCases.map(\.rawValue), OptimizerKind.allCases.map(\.rawValue),
                                ScheduleKind.allCases.map(\.rawValue), AssistantTurns.allCases.map(\.rawValue),
                                DataFormat.allCases.map(\.rawValue), Perplexity.Moment.allCases.map(\.rawValue)]
        for word in sets.joined() where !words.contains(word) { words.append(word) }
        return words
    }()

    private static func replacing(_ tree: CanonicalJSON.Value, at path: ArraySlice<String>, with value: CanonicalJSON.Value) -> CanonicalJSON.Value {
        guard let first = path.first, case .object(var members) = tree else { return value }
        // A setting written only when it is not its default is absent from the tree: it is added.
        members[first] = replacing(members[first] ?? .object([:]), at: path.dropFirst(), with: value)
        return .object(members)
    }
}
