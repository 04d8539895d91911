/// A setting that varies across cells: `Axis(\.lora.rank, [8, 16, 64])`.
///
/// The key path must name a writable setting of `TrainingConfig`, so a misspelt setting does not compile.
public struct Axis: GridComponent {
    /// The name reports use: the dotted setting name unless given.
    public let name: String
    /// The varied setting.
    public let keyPath: any AnyKeyPath & Sendable
    private let entries: [Entry]

    private struct Entry: Sendable {
        let label: @Sendable () throws -> String
        let apply: @Sendable (inout TrainingConfig) -> Void
    }

    /// Varies `keyPath` over `values`, in order.
    public init<Value: Encodable & Sendable>(_ keyPath: WritableKeyPath<TrainingConfig, Value> & Sendable, _ values: [Value],
                                             name: String? = nil) {
        self.name = name ?? AxisName.of(keyPath)
        self.keyPath = keyPath
        entries = values.map { value in
            Entry(label: { try Axis.label(value) }, apply: { $0[keyPath: keyPath] = value })
        }
    }

    /// Varies `keyPath` over values computed from `labels`, which reports show instead of the values:
    /// `Axis(\.lora.targets, over: LoRASettings.LayerSet.allCases) { $0.targets }`.
    public init<Label: Encodable & Sendable, Value: Sendable>(_ keyPath: WritableKeyPath<TrainingConfig, Value> & Sendable,
                                                              over labels: [Label], name: String? = nil,
                                                              _ value: @escaping @Sendable (Label) -> Value) {
        self.name = name ?? AxisName.of(keyPath)
        self.keyPath = keyPath
        entries = labels.map { label in
            let v = value(label)
            return Entry(label: { try Axis.label(label) }, apply: { $0[keyPath: keyPath] = v })
        }
    }

    /// The number of values.
    public var count: Int { entries.count }

    public func rows() throws -> [[Assignment]] {
        guard !entries.isEmpty else { throw ExperimentError.emptyAxis(name) }
        return try entries.map { [Assignment(axis: name, keyPath: keyPath, value: try $0.label(), apply: $0.apply)] }
    }

    /// Canonical JSON of the value, without the quotes of a plain string (`nf4`, not `"nf4"`).
    static func label(_ value: some Encodable) throws -> String {
        let tree = try JSONTreeEncoder().encode(value)
        if case .string(let s) = tree { return s }
        return CanonicalJSON.write(tree)
    }
}
