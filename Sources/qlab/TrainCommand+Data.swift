import Support
import ArgumentParser
import Datasets
import ExperimentSpec
import Foundation
import Models
import Tokenizers
import Evaluation

extension TrainCommand {
    /// What a run on a dataset trains and evaluates on.
    struct DataRun {
        /// Micro-batches of the training part, length-grouped (or shuffled) with the order seed.
        let loader: DataLoader
        /// Held-out batches the loss is measured on.
        let heldOut: [Batch]
        /// Examples behind `heldOut`.
        let heldOutExamples: Int
    }

    /// The dataset of `config.data` read, split and collated as a grid cell does; nil when the configuration
    /// names no dataset (then --batches must be given).
    func dataRun(config c: TrainingConfig, model: LlamaConfig, tokenizer: (any Tokenizer)?) throws -> DataRun? {
        guard !c.data.datasets.isEmpty else { return nil }
        guard let tokenizer else { throw ValidationError("\(c.model.name) has no tokenizer (tokenizer.json or GGUF vocabulary) to encode --data with") }
        let catalog = try DatasetCatalog.locate()
        let bundle = try DataBundle.load(c.data, tokenizer: tokenizer, catalog: catalog)
        // Every micro-batch is padded to its longest example, so the shortest example gives a size no micro-batch
        // can fall below; checked before the loader and the trainer allocate for micro-batches of that size.
        let shortest = bundle.train.map(\.length).min() ?? 1
        let micro = c.batchSize / max(1, c.gradientAccumulation)
        try MemoryEstimate.require(
            MemoryEstimate.activations(model, batch: micro, length: shortest),
            for: "--batch-size \(c.batchSize) (micro-batches of \(micro) examples of at least \(shortest) tokens through "
                + "\(model.numHiddenLayers) layers of width \(model.hiddenSize))")
        let loader = try bundle.batchSource(for: c)
        for warning in bundle.warnings { StandardError.write(Data("qlab: warning: \(warning)\n".utf8)) }
        // The held-out set a grid cell scores (the configuration's evaluation.heldOutLoss: its size, its turns),
        // built by the same function; --eval-tokens sets its size.
        var spec = c.evaluation.heldOutLoss ?? HeldOutLoss()
        if let evalTokens { spec.minTokens = evalTokens }
        var examples: [DataExample] = []
        var heldOut: [Batch] = []
        do {
            (examples, heldOut) = try CellEvaluation.heldOutSet(spec, bundle: bundle, settings: c.data, tokenizer: tokenizer,
                                                                catalog: catalog, batchSize: max(1, micro))
        } catch PerplexityError.noEvalExamples(let dataset) {
            // Without a periodic evaluation a run on data with nothing held out still trains.
            if c.evalEvery > 0 { throw PerplexityError.noEvalExamples(dataset: dataset) }
        }
        let scored = !heldOut.isEmpty
        if !quiet {
            let totals = bundle.totals
            StandardError.write(Data("""
                data \(c.data.datasets.joined(separator: ", ")): \(bundle.train.count) training and \(bundle.eval.count) held-out examples \
                (\(totals.format)); \(scored ? "held-out loss on \(examples.count) of them" : "no held-out loss (nothing held out)")\
                \(totals.skippedBadLines > 0 ? ", \(totals.skippedBadLines) bad lines skipped" : "")\
                \(totals.truncatedExamples > 0 ? ", \(totals.truncatedExamples) examples truncated" : "")

                """.utf8))
        }
        return DataRun(loader: loader, heldOut: heldOut, heldOutExamples: scored ? examples.count : 0)
    }
}
