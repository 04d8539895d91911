import ArgumentParser
import Support
import ExperimentSpec
import Foundation
import Models
import Tokenizers
import Training
import Quantization

/// `qlab merge`: an adapter folded into its base model, written as a Hugging Face checkpoint.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge a LoRA adapter into its base model and write a Hugging Face checkpoint (float32 or bfloat16).",
        discussion: """
            The base is merged unquantized by default. With --through nf4 (or fp4, int4) the base weights are first \
            quantized and dequantized, so the merged model carries exactly the base the adapter was trained on.
            """
    )

    @Option(help: "Base model: a short name, a checkpoint directory or a .gguf file.") var model: String = "smollm2-135m"
    @Option(help: "The PEFT adapter directory.") var adapter: String
    @Option(help: "Output directory.") var out: String
    @Option(name: .customLong("output-dtype"), help: "Weight type of the output: float32 or bfloat16. (default: float32)")
    var outputDtype: AdapterMerge.OutputType?
    // The flag's earlier name, still accepted; hidden because everywhere else --dtype is the 4-bit storage type.
    @Option(name: .customLong("dtype"), help: .hidden) var dtypeAlias: AdapterMerge.OutputType?
    @Option(help: "Quantize and dequantize the base through this type before merging: nf4, fp4, int4 or none.")
    var through: QuantizationKind = .none
    @Flag(inversion: .prefixedNo, help: "With --through: quantize the block constants again (double quantization, the paper's).")
    var doubleQuant: Bool = true

    /// The output's weight type, by either name.
    var dtype: AdapterMerge.OutputType { outputDtype ?? dtypeAlias ?? .float32 }

    func validate() throws {
        if let outputDtype, let dtypeAlias, outputDtype != dtypeAlias {
            throw ValidationError("--output-dtype \(outputDtype.rawValue) and --dtype \(dtypeAlias.rawValue) (its older name) disagree; give --output-dtype alone")
        }
    }

    func run() throws {
        let location = try ModelLocation.resolve(model)
        let quantization = through.weightQuantization(blocksize: 64, doubleQuant: doubleQuant)
        let loaded = try ModelLoader.load(location, quantization: quantization)
        let lora = try LoRAAdapter.load(directory: adapter, config: loaded.model.config)
        try AdapterMerge.write(model: loaded.model, adapter: lora, to: out, type: dtype, tokenizer: loaded.tokenizer)
        if !(loaded.tokenizer is BPETokenizer), case .huggingFace(let source) = location, loaded.tokenizer != nil {
            // A SentencePiece checkpoint's tokenizer files are carried over as they are.
            for name in ["tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json"] {
                let path = (source as NSString).appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: path) else { continue }
                try AtomicFile.write(Array(try Data(contentsOf: URL(fileURLWithPath: path))), to: (out as NSString).appendingPathComponent(name))
            }
        } else if !(loaded.tokenizer is BPETokenizer) {
            StandardError.write(Data("qlab: warning: \(location.path) has no byte-level BPE tokenizer or tokenizer files to write beside the merged weights; give the checkpoint one before loading it as a model\n".utf8))
        }
        print("merged \(adapter) into \(location.path) → \(out) (\(dtype.rawValue))")
    }
}

extension AdapterMerge.OutputType: ExpressibleByArgument {}
