import ArgumentParser
import ExperimentSpec

/// The flags that choose a dataset and shape its examples, shared by `qlab train --data` and `qlab eval --data`
/// so that both see the same collator and the same seeded evaluation split.
struct DataOptions: ParsableArguments {
    /// What the help shows as defaults (the flags stay optional so that a --config file's values stand).
    static let defaults = DataSettings()

    @Option(help: "A prepared dataset name (qlab data list) or a JSONL file, in any supported format.")
    var data: String?
    @Option(help: "Record format: auto, alpaca, guanaco, conversation, messages, pairs, text or tokens. (default: \(Self.defaults.format.rawValue))")
    var format: DataFormat?
    @Option(help: "Longest source (prompt) in tokens, BOS included. (default: \(Self.defaults.sourceMaxLength))") var sourceMaxLength: Int?
    @Option(help: "Longest target (answer) in tokens, EOS included. (default: \(Self.defaults.targetMaxLength))") var targetMaxLength: Int?
    @Flag(inversion: .prefixedNo, help: "Put the loss on the prompt too. (default: \(Self.defaults.trainOnSource ? "on" : "off"))") var trainOnSource: Bool?
    @Flag(inversion: .prefixedNo, help: "Batch examples of similar length. (default: \(Self.defaults.groupByLength ? "on" : "off"))") var groupByLength: Bool?
    @Option(help: "Held-out examples when the dataset has no eval file: a count (≥ 1) or a fraction (< 1). (default: \(Self.defaults.evalSize))")
    var evalSize: Double?
    @Option(help: "Seed of the training order (default: the run's --seed, so that seeds vary the order too).")
    var dataSeed: UInt64?
    @Option(help: "Seed of the evaluation split: which records are held out, the same for every run. (default: \(Self.defaults.splitSeed))")
    var splitSeed: UInt64?
    @Flag(help: "Skip malformed lines (and count them) instead of failing.") var skipBadLines = false
    @Option(help: "Assistant turns of a conversation that carry the loss: all, or only the last one kept. (default: \(Self.defaults.assistantTurns.rawValue))")
    var assistantTurns: AssistantTurns?

    /// `base` with `--data` as its only dataset and the flags given applied over it.
    func apply(to base: DataSettings) throws -> DataSettings {
        var s = base
        if let data { s.datasets = [data] }
        if let format { s.format = format }
        if let sourceMaxLength { s.sourceMaxLength = sourceMaxLength }
        if let targetMaxLength { s.targetMaxLength = targetMaxLength }
        if let trainOnSource { s.trainOnSource = trainOnSource }
        if let groupByLength { s.groupByLength = groupByLength }
        if let evalSize { s.evalSize = evalSize }
        if let dataSeed { s.orderSeed = dataSeed }
        if let splitSeed { s.splitSeed = splitSeed }
        if skipBadLines { s.skipBadLines = true }
        if let assistantTurns { s.assistantTurns = assistantTurns }
        guard s.sourceMaxLength >= 1, s.targetMaxLength >= 1 else {
            throw ValidationError("--source-max-length and --target-max-length must be at least 1")
        }
        guard s.evalSize >= 0 else { throw ValidationError("--eval-size must not be negative") }
        return s
    }
}

extension DataFormat: ExpressibleByArgument {}
extension AssistantTurns: ExpressibleByArgument {}
