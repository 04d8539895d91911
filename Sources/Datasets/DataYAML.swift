import Foundation
import Yams

/// The YAML that corpus files are written in, read through Yams (libyaml) into plain nodes.
///
/// Scalars stay strings, exactly as written: the corpus is text, and YAML 1.1's `yes` → true or `1.0` → a number
/// are not wanted. Malformed YAML is refused with its line.
public enum DataYAML {
    /// A parsed node.
    public indirect enum Node: Sendable, Equatable {
        case scalar(String)
        case sequence([Node])
        case mapping([(key: String, value: Node)])
        case null

        public static func == (a: Node, b: Node) -> Bool {
            switch (a, b) {
            case let (.scalar(x), .scalar(y)): x == y
            case let (.sequence(x), .sequence(y)): x == y
            case let (.mapping(x), .mapping(y)): x.map(\.key) == y.map(\.key) && x.map(\.value) == y.map(\.value)
            case (.null, .null): true
            default: false
            }
        }

        /// The value of `key` in a mapping.
        public subscript(key: String) -> Node? {
            if case .mapping(let pairs) = self { return pairs.first { $0.key == key }?.value }
            return nil
        }
    }

    /// Parses a whole document; `path` names the file in errors.
    public static func parse(_ text: String, path: String) throws(DataError) -> Node {
        let composed: Yams.Node?
        do {
            composed = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.error(error, path: path)
        } catch {
            throw .source(path: path, line: nil, reason: "YAML: \(error)")
        }
        guard let composed else { return .null }
        return try convert(composed, path: path)
    }

    static func convert(_ node: Yams.Node, path: String) throws(DataError) -> Node {
        switch node {
        case .scalar(let s):
            return .scalar(s.string)
        case .sequence(let items):
            var out: [Node] = []
            for item in items { out.append(try convert(item, path: path)) }
            return .sequence(out)
        case .mapping(let pairs):
            var out: [(key: String, value: Node)] = []
            for (key, value) in pairs {
                guard case .scalar(let k) = key else {
                    throw .source(path: path, line: key.mark?.line, reason: "YAML: a mapping key must be text")
                }
                out.append((k.string, try convert(value, path: path)))
            }
            return .mapping(out)
        case .alias:
            throw .source(path: path, line: node.mark?.line, reason: "YAML: aliases are not supported")
        }
    }

    static func error(_ error: YamlError, path: String) -> DataError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let what = context.map { "\($0.text) " } ?? ""
            return .source(path: path, line: mark.line, reason: "YAML: \(what)\(problem)".trimmingCharacters(in: .whitespaces))
        case let .reader(problem, _, _, _):
            return .source(path: path, line: nil, reason: "YAML: \(problem)")
        default:
            return .source(path: path, line: nil, reason: "YAML: \(error)")
        }
    }
}
