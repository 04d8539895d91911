import ExperimentSpec
import Tokenizers

/// A run's data, ready for the trainer: tokenized training and evaluation examples, the reports, the hashes.
public struct DataBundle: Sendable {
    /// Training examples, datasets in the settings' order, records in file order.
    public var train: [DataExample]
    /// Held-out examples (a prepared eval file, or the seeded split of the training file).
    public var eval: [DataExample]
    /// One report per file read.
    public var reports: [DataReport]
    /// The content hashes of the files read.
    public var hashes: [DatasetIdentity.FileHash]
    /// The collator the examples were encoded with (the loader batches with it).
    public let collator: Collator

    /// Reads, splits and tokenizes every dataset of `settings`.
    public static func load(_ settings: DataSettings, tokenizer: any Tokenizer, catalog: DatasetCatalog) throws(DataError) -> DataBundle {
        guard !settings.datasets.isEmpty else { throw .invalidSetting("no datasets") }
        let collator = try Collator(tokenizer: tokenizer, settings: settings)
        var bundle = DataBundle(train: [], eval: [], reports: [], hashes: [], collator: collator)
        for name in settings.datasets {
            let source = try catalog.resolve(name)
            bundle.hashes += zip(["train", "eval"], source.hashes).map { DatasetIdentity.FileHash(dataset: name, role: $0, sha256: $1) }
            let file = try DatasetFile.read(path: source.train, format: settings.format, skipBadLines: settings.skipBadLines)
            var report = file.report
            if let evalPath = source.eval {
                let evalFile = try DatasetFile.read(path: evalPath, format: settings.format, skipBadLines: settings.skipBadLines)
                var evalReport = evalFile.report
                let train = try collator.encode(file.records, path: file.path, report: &report)
                let eval = try collator.encode(evalFile.records, path: evalFile.path, report: &evalReport)
                report.trainExamples = train.count
                evalReport.evalExamples = eval.count
                bundle.train += train
                bundle.eval += eval
                bundle.reports += [report, evalReport]
            } else {
                // Split records, not tokens: the split must not depend on the tokenizer or the limits.
                let parts = try DataSplit.split(total: file.records.count, evalSize: settings.evalSize,
                                                seed: settings.splitSeed, contentHash: source.hashes[0])
                let train = try collator.encode(parts.train.map { file.records[$0] }, path: file.path, report: &report)
                let eval = try collator.encode(parts.eval.map { file.records[$0] }, path: file.path, report: &report)
                report.trainExamples = train.count
                report.evalExamples = eval.count
                bundle.train += train
                bundle.eval += eval
                bundle.reports.append(report)
            }
        }
        return bundle
    }

    /// A loader over the training examples in micro-batches of `batchSize`: grouped by length (mega-batches built on
    /// `groupBatchSize`, the examples per optimizer step) or shuffled with `orderSeed`, starting at `position` (a
    /// checkpoint's).
    public func loader(batchSize: Int, groupBatchSize: Int? = nil, settings: DataSettings, orderSeed: UInt64, paddedLength: Int? = nil,
                       microBatchesPerStep: Int = 1, position: DataLoader.Position = DataLoader.Position()) throws(DataError) -> DataLoader {
        // The loader's own error cannot name the files, and the user needs them.
        guard !train.isEmpty else {
            let read = reports.map { "\($0.lines) lines, \($0.records) records, \($0.emptyAnswers) with empty answers, \($0.evalExamples) held out" }
            throw .invalidSetting("\(reports.map(\.path).joined(separator: ", ")): no training examples (\(read.joined(separator: "; ")))")
        }
        let order: BatchOrder = settings.groupByLength
            ? .groupedByLength(seed: orderSeed, batchSize: groupBatchSize ?? batchSize)
            : .shuffled(seed: orderSeed)
        return try DataLoader(examples: train, batchSize: batchSize, order: order, collator: collator,
                              paddedLength: paddedLength, microBatchesPerStep: microBatchesPerStep, position: position)
    }

    /// The trainer's batch source for `config`: micro-batches of batchSize / gradientAccumulation, length groups
    /// built on the whole step's batch (as transformers does), padded to each batch's longest example, in the order
    /// of `data.orderSeed`, or of the cell's seed when that is not set.
    public func batchSource(for config: TrainingConfig) throws(DataError) -> DataLoader {
        guard config.gradientAccumulation >= 1, config.batchSize % config.gradientAccumulation == 0 else {
            throw .invalidSetting("batch size \(config.batchSize) is not a multiple of gradient accumulation \(config.gradientAccumulation)")
        }
        return try loader(batchSize: config.batchSize / config.gradientAccumulation, groupBatchSize: config.batchSize,
                          settings: config.data, orderSeed: config.data.orderSeed(trainingSeed: config.seed),
                          microBatchesPerStep: config.gradientAccumulation)
    }

    /// The held-out examples in file order, `batchSize` at a time, each batch padded to its longest example.
    public func evalBatches(batchSize: Int) throws(DataError) -> [Batch] {
        guard batchSize >= 1 else { throw .invalidSetting("batch size \(batchSize) is below 1") }
        var batches: [Batch] = []
        for start in stride(from: 0, to: eval.count, by: batchSize) {
            batches.append(try collator.batch(Array(eval[start..<min(start + batchSize, eval.count)])))
        }
        return batches
    }

    /// What a person should hear about the data before training on it, one sentence a file: lines whose bad
    /// bytes were read as U+FFFD are kept, so training goes on, but not silently.
    public var warnings: [String] {
        reports.filter { $0.invalidUTF8Lines > 0 }.map {
            "\($0.path): \($0.invalidUTF8Lines) line(s) are not valid UTF-8; their bad bytes were read as U+FFFD"
        }
    }

    /// The counts of all files together, for the run's record.
    public var totals: DataReport {
        var total = DataReport(path: reports.map(\.path).joined(separator: ", "), format: Set(reports.map(\.format)).sorted().joined(separator: ","))
        for r in reports {
            total.lines += r.lines
            total.records += r.records
            total.skippedBadLines += r.skippedBadLines
            total.badLineSamples += r.badLineSamples.prefix(max(0, 10 - total.badLineSamples.count)).map { "\(r.path):\($0)" }
            total.emptyAnswers += r.emptyAnswers
            total.invalidUTF8Lines += r.invalidUTF8Lines
            total.truncatedSources += r.truncatedSources
            total.truncatedTargets += r.truncatedTargets
            total.truncatedExamples += r.truncatedExamples
            total.droppedPackedTokens += r.droppedPackedTokens
            total.trainExamples += r.trainExamples
            total.evalExamples += r.evalExamples
        }
        return total
    }
}
