import Support
import ArgumentParser
import Foundation
import Models
import Quantization
import Tensors

/// `qlab quantize`: what a 4-bit format costs on a model's linear layers (the QLoRA paper's Table 2 question).
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize every linear weight but lm_head and report storage bits, RMSE and maximum error.",
        discussion: """
            --model takes what the other commands take: a short name (smollm2-135m), a Hugging Face checkpoint \
            directory (config.json and model.safetensors or sharded safetensors) or a .gguf file (its weights \
            dequantized to float32 first). Embeddings, norms and lm_head stay float32 and are not counted.
            """
    )

    @Option(help: "Base model: a short name (smollm2-135m), a checkpoint directory or a .gguf file (default: smollm2-135m).")
    var model: String?

    /// The model as a positional argument, the command's earlier form.
    @Argument(help: ArgumentHelp("The model, as --model (the earlier form).", visibility: .hidden))
    var positionalModel: String?

    @Option(help: "4-bit data type: nf4, fp4 or int4.")
    var dtype: QuantizationType = .nf4

    @Flag(inversion: .prefixedNo, help: "Quantize the block constants again (8-bit, blocks of 256; on by default, as the paper).")
    var doubleQuant: Bool = true

    @Option(help: "Elements per quantization block (32, 64, ..., 4096).")
    var blocksize: Int = 64

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        if model != nil, positionalModel != nil { throw ValidationError("give the model once: --model \(model!) or \(positionalModel!)") }
        guard QuantizedTensor.supportedBlocksizes.contains(blocksize) else {
            throw ValidationError("--blocksize \(blocksize) is not one of \(QuantizedTensor.supportedBlocksizes.map(String.init).joined(separator: ", "))")
        }
    }

    func run() throws {
        let location = try ModelLocation.resolve(model ?? positionalModel ?? "smollm2-135m")
        let model = location.path
        let config: LlamaConfig
        let tensor: (String) throws -> Tensor?
        switch location {
        case .huggingFace(let directory):
            let checkpoint = try HuggingFaceCheckpoint(directory: directory)
            (config, tensor) = (checkpoint.config, checkpoint.tensor)
        case .gguf(let path):
            let checkpoint = try GGUFLlamaCheckpoint(path: path)
            config = LlamaConfig(gguf: checkpoint.info)
            try config.validate(source: path)
            tensor = { name in checkpoint.shapes[name] == nil ? nil : try checkpoint.tensor(name) }
        }
        let setting = WeightQuantization(type: dtype, blocksize: blocksize, doubleQuant: doubleQuant)
        let interactive = !json && isatty(STDERR_FILENO) != 0
        let rows = try QuantizationAnalysis.measureModel(
            config: config, source: model, quantization: setting, tensor: tensor
        ) { done, total in
            if interactive { StandardError.write(Data("\rquantizing \(done)/\(total)".utf8)) }
        }
        if interactive { StandardError.write(Data("\r\u{1B}[K".utf8)) }
        let total = QuantizationAnalysis.total(rows)
        if json {
            struct Output: Encodable {
                let model: String
                let dtype: String
                let blocksize: Int
                let doubleQuant: Bool
                let layers: [QuantizationErrorStats]
                let total: QuantizationErrorStats
                let bitsPerParameter: Double
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let output = Output(model: model, dtype: dtype.rawValue, blocksize: blocksize, doubleQuant: doubleQuant,
                                layers: rows, total: total, bitsPerParameter: total.bitsPerParameter)
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
            return
        }
        print("\(dtype.rawValue.uppercased()), blocks of \(blocksize)\(doubleQuant ? ", double quantization" : ""): \(model)")
        let header = ["layer", "shape", "parameters", "bits/param", "RMSE", "RMSE/RMS", "max |error|"]
        var table = rows.map { r in
            [r.name, r.shape.map(String.init).joined(separator: "×"), String(r.parameters),
             String(format: "%.4f", r.bitsPerParameter), String(format: "%.3e", r.rmse),
             String(format: "%.4f", r.rmse / max(r.rms, 1e-30)), String(format: "%.3e", r.maxAbsError)]
        }
        table.append([total.name, "", String(total.parameters), String(format: "%.4f", total.bitsPerParameter),
                      String(format: "%.3e", total.rmse), String(format: "%.4f", total.rmse / max(total.rms, 1e-30)),
                      String(format: "%.3e", total.maxAbsError)])
        print(TextTable.render(header: header, rows: table, rightAligned: Set(2..<7)))
    }
}

extension QuantizationType: ExpressibleByArgument {}
