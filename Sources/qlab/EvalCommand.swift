import Support
import ArgumentParser
import Datasets
import Evaluation
import ExperimentSpec
import Foundation
import Models
import Quantization
import Tensors
import Training

/// `qlab eval`: mean loss and perplexity of a (quantized) model, with optional adapters, on text or on a
/// dataset's evaluation split.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure a model's mean loss and perplexity on text files or a dataset's evaluation split, or its accuracy on a multiple-choice benchmark.",
        discussion: """
            Text (--text FILE…): the files are joined with "\\n" in the order given and tokenized without BOS or \
            any other added token; the first N tokens are kept (--max-tokens N; 0: all). Windows of W input tokens \
            (--window W) start at every W-th token, and each window predicts the token after each of its positions, so a \
            window's last position is scored against the next window's first token; the final partial window \
            counts too. N tokens therefore give N − 1 scored tokens. When the model's tokenizer begins sequences \
            with BOS (Gemma), each window is BOS and the next W − 1 tokens instead, and all N tokens are scored. \
            Each window is read on its own (no context carried over from the one before). Bits per byte: the summed \
            loss in bits over the UTF-8 bytes of the scored tokens' text, comparable across tokenizers.

            Data (--data NAME|FILE.jsonl): the dataset's evaluation split (its prepared eval file, or the seeded \
            split of --eval-size records that training holds out) is encoded with the grid's collator and scored on \
            the tokens that carry a label (the answers, unless --train-on-source). --config reads a training \
            configuration (e.g. the config.json that qlab train wrote): its model, storage type and data settings \
            are used unless a flag says otherwise, so that the split, the limits and the quantized base are the ones \
            training used.

            Without --config the base is NF4 in blocks of 64 with double quantization, as the paper \
            trains (--no-double-quant leaves the block constants in float32).

            Benchmark (--benchmark PATH): k-shot multiple-choice accuracy as MMLU is measured. Each question's prompt is \
            "The following are multiple choice questions (with answers) about SUBJECT." and a blank line, the first \
            --shots solved examples of the subject's dev split (each followed by a blank line), then the question and \
            its lettered options, ending with "Answer:"; BOS comes first only where the model's tokenizer adds one, and \
            a prompt longer than the context drops shots from the front (the report counts them). An option's score \
            is the next-token logit of " A", " B", … (its first token). With --scoring cloze (how small models are \
            measured: they rarely tell the letters apart) the options are not listed: the shots end "Answer: " and the \
            right option's text, the question ends "Answer:", and an option's score is the log-probability of a space \
            and its text after the prompt, divided by that text's UTF-8 bytes. Printed: accuracy per subject, the macro and \
            micro averages, each with a Wilson 95% interval; --json adds every question's prediction and scores.

            Mean loss: the mean negative log-likelihood in nats over all scored tokens (accumulated in double \
            precision); perplexity: exp(mean loss). Progress goes to standard error, the result to standard output.
            """
    )

    @Option(help: "Base model: a short name (smollm2-135m), a checkpoint directory or a .gguf file (default: smollm2-135m).")
    var model: String?
    @Option(help: "A PEFT adapter directory to apply.") var adapter: String?
    @Option(help: "Frozen-weight storage: nf4, fp4, int4 or none (float32) (default: nf4).") var dtype: QuantizationKind?
    @Flag(inversion: .prefixedNo, help: "Quantize the block constants again (double quantization; default: on, as the paper).") var doubleQuant: Bool?
    @Option(help: "Quantization block size (default: 64).") var blocksize: Int?
    @Option(parsing: .upToNextOption, help: "Text files to score, joined with \"\\n\" in this order.") var text: [String] = []
    @OptionGroup var dataOptions: DataOptions
    @Option(help: "A TrainingConfig JSON file (e.g. the config.json qlab train wrote) whose model, storage and data settings are the defaults.")
    var config: String?
    @Option(help: "Input tokens per window (text).") var window: Int = 256
    @Option(help: "Keep only the first N tokens of the text (0: all).") var maxTokens: Int = 0
    @Option(help: "BLAS threads.") var threads: Int = 1
    @Flag(help: "Print the result as one JSON object.") var json = false
    @Option(help: "A multiple-choice benchmark: a prepared one's name (wordnet-en, poems-zh), a folder in MMLU's layout (dev/, test/) or one file of questions (.csv or .jsonl).")
    var benchmark: String?
    @Option(help: "Solved dev examples before each benchmark question.") var shots: Int = 5
    @Option(help: "How benchmark options are scored: letter (MMLU's: the options listed, the logit of the answer's letter) or cloze (the options not listed, each option text's log-probability per byte).")
    var scoring: Benchmark.Scoring = .letter
    @Option(help: "Ask only the first N questions of each benchmark subject (0: all).") var limit: Int = 0

    func validate() throws {
        if benchmark != nil { return try validateBenchmark() }
        guard text.isEmpty || dataOptions.data == nil else { throw ValidationError("give --text FILE… or --data NAME|FILE.jsonl, not both") }
        guard !text.isEmpty || dataOptions.data != nil || config != nil else {
            throw ValidationError("give --text FILE… or --data NAME|FILE.jsonl (or --config FILE naming a dataset)")
        }
        guard window >= 1 else { throw ValidationError("--window must be at least 1") }
        guard maxTokens >= 0 else { throw ValidationError("--max-tokens must not be negative") }
        try ThreadCount.validate(threads)
        guard (blocksize ?? 64) >= 2 else { throw ValidationError("--blocksize must be at least 2") }
    }

    func run() throws {
        BLAS.threads = threads
        var trained: TrainingConfig?
        if let config {
            do { try RegularFile.check(config) } catch { throw ValidationError("\(config): \(error.message)") }
            do { trained = try JSONDecoder().decode(TrainingConfig.self, from: Data(contentsOf: URL(fileURLWithPath: config))) } catch {
                throw ValidationError("\(config): not a training configuration: \(error)")
            }
        }
        let model = self.model ?? trained?.model.name ?? "smollm2-135m"
        let dtype = self.dtype ?? trained?.model.quantization ?? .nf4
        let doubleQuant = self.doubleQuant ?? trained?.model.doubleQuant ?? true
        let blocksize = self.blocksize ?? trained?.model.blocksize ?? 64
        let location = try ModelLocation.resolve(model)
        let quantization = dtype.weightQuantization(blocksize: blocksize, doubleQuant: doubleQuant)
        let started = Date()
        let loaded = try ModelLoader.load(location, quantization: quantization)
        guard let tokenizer = loaded.tokenizer else {
            throw ValidationError("\(location.path) has no tokenizer (tokenizer.json or GGUF vocabulary)")
        }
        let lora = try adapter.map { try LoRAAdapter.load(directory: $0, config: loaded.model.config) }
        let scorer = LanguageModelScorer(model: loaded.model, adapter: lora, name: location.path)
        let storage = dtype == .none ? "float32" : dtype.rawValue + (doubleQuant ? "+dq" : "")
        progress(String(format: "model %@ (%@%@) loaded in %.1f s", location.path, storage, adapter.map { ", adapter \($0)" } ?? "",
                        Date().timeIntervalSince(started)))
        if let benchmark {
            return try runBenchmark(benchmark, loaded: loaded, tokenizer: tokenizer, adapter: lora, storage: storage, started: started)
        }
        var report: [String: Any] = [
            "model": location.path, "dtype": dtype.rawValue, "double_quant": dtype != .none && doubleQuant, "blocksize": blocksize,
            "adapter": adapter ?? NSNull(), "threads": threads,
        ]
        let tally: LossTally
        let what: String
        if !text.isEmpty {
            let tokens = try EvaluationText.tokens(text, tokenizer: tokenizer, maxTokens: maxTokens)
            let bos = tokenizer.addsBOS ? tokenizer.bosID : nil
            let windows = TextWindows(tokenCount: tokens.count, window: window, leadingBOS: bos != nil)
            progress("text: \(text.count) file(s), \(tokens.count) tokens, \(windows.windows.count) window(s) of \(window)"
                     + (bos != nil ? " (each after BOS)" : ""))
            tally = try scorer.scoreText(tokens, window: window, bos: bos, progress: meter(unit: "tokens"))
            let bytes = EvaluationText.bytes(of: tokens, at: windows.scoredIndices, tokenizer: tokenizer)
            report["scored_bytes"] = bytes
            report["bits_per_byte"] = tally.bitsPerByte(bytes: bytes)
            report["bos"] = bos != nil
            report["text"] = text
            report["window"] = window
            report["max_tokens"] = maxTokens
            report["tokens"] = tokens.count
            what = "\(tokens.count) tokens of \(text.count) file(s), window \(window)"
        } else {
            let settings = try dataOptions.apply(to: trained?.data ?? DataSettings())
            guard !settings.datasets.isEmpty else { throw ValidationError("\(config ?? "--config"): names no dataset; give --data") }
            let bundle = try DataBundle.load(settings, tokenizer: tokenizer, catalog: try DatasetCatalog.locate())
            for warning in bundle.warnings { StandardError.write(Data("qlab: warning: \(warning)\n".utf8)) }
            let name = settings.datasets.joined(separator: ", ")
            let sequences = bundle.eval.map { (ids: $0.ids, labels: $0.labels) }
            guard bundle.eval.contains(where: { $0.trained.dropFirst().contains(true) }) else {
                throw PerplexityError.noEvalExamples(dataset: name)
            }
            progress("data: \(name): \(bundle.eval.count) evaluation example(s)")
            tally = try scorer.scoreLabelled(sequences, progress: meter(unit: "examples"))
            report["data"] = settings.datasets
            report["examples"] = bundle.eval.count
            report["data_settings"] = ["format": settings.format.rawValue, "source_max_length": settings.sourceMaxLength,
                                       "target_max_length": settings.targetMaxLength, "train_on_source": settings.trainOnSource,
                                       "assistant_turns": settings.assistantTurns.rawValue, "eval_size": settings.evalSize, "split_seed": settings.splitSeed] as [String: Any]
            what = "the evaluation split of \(name) (\(bundle.eval.count) examples)"
        }
        report["scored_tokens"] = tally.tokens
        report["mean_loss"] = tally.meanLoss
        report["perplexity"] = tally.perplexity
        report["seconds"] = Date().timeIntervalSince(started)
        if json {
            let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("\(location.path) (\(storage)\(adapter.map { ", adapter \($0)" } ?? "")) on \(what):")
            print(String(format: "mean loss %.6f nats, perplexity %.4f, over %d scored tokens", tally.meanLoss, tally.perplexity, tally.tokens))
            if let bits = report["bits_per_byte"] as? Double, let bytes = report["scored_bytes"] as? Int {
                print(String(format: "bits per byte %.6f, over %d UTF-8 bytes", bits, bytes))
            }
        }
    }

    /// A progress callback that prints at most one line every 2 seconds, and the last one.
    func meter(unit: String) -> (Int, Int) -> Void {
        let start = Date()
        var last = Date.distantPast
        return { done, total in
            let now = Date()
            guard done == total || now.timeIntervalSince(last) >= 2 else { return }
            last = now
            progress(String(format: "scored %d/%d %@ (%.0f s)", done, total, unit, now.timeIntervalSince(start)))
        }
    }

    func progress(_ line: String) {
        StandardError.write(Data(("eval: " + line + "\n").utf8))
    }
}
