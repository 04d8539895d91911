import Support
import ArgumentParser
import ExperimentSpec
import Foundation
import Models
import Tokenizers
import Training
import Quantization
import Tensors

/// `qlab generate`: text from a base model, optionally with LoRA adapters, streamed as it comes.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text with a (quantized) base model and optional LoRA adapters, streaming tokens.",
        discussion: """
            With --prompt the text is continued as it is. With --chat the prompt (or, without --prompt, each line \
            read from standard input) is a user message rendered with the model's chat template, and the \
            conversation goes on turn by turn. Sampling is greedy unless --temperature is above 0.
            """
    )

    @Option(help: "Base model: a short name (smollm2-135m), a checkpoint directory or a .gguf file.")
    var model: String = "smollm2-135m"
    @Option(help: "A PEFT adapter directory to apply.") var adapter: String?
    @Option(help: "Frozen-weight storage: nf4, fp4, int4 or none.") var dtype: QuantizationKind = .nf4
    @Flag(inversion: .prefixedNo, help: "Quantize the block constants again.") var doubleQuant: Bool = true
    @Option(help: "Text to continue (or, with --chat, the first user message).") var prompt: String?
    @Flag(help: "Chat with the model's chat template.") var chat = false
    @Option(help: "A system message for --chat.") var system: String?
    @Option(help: "Most tokens to generate per answer.") var maxNewTokens: Int = 128
    @Option(help: "Sampling temperature (0: greedy).") var temperature: Double = 0
    @Option(help: "Keep only the k most likely tokens (0: all).") var topK: Int = 0
    @Option(help: "Nucleus sampling threshold.") var topP: Double = 1
    @Option(help: "Penalty for tokens already in the context (1: none).") var repetitionPenalty: Double = 1
    @Option(help: "Sampling seed.") var seed: UInt64 = 0
    @Option(help: "Stop when this text appears (repeatable).") var stop: [String] = []
    @Option(help: "BLAS threads.") var threads: Int = 1

    func validate() throws {
        guard prompt != nil || chat else { throw ValidationError("give --prompt TEXT, or --chat to read messages from standard input") }
        guard maxNewTokens >= 1 else { throw ValidationError("--max-new-tokens must be at least 1") }
        // An empty stop string would match before the first token and leaves nothing to hold back.
        guard !stop.contains("") else { throw ValidationError("--stop must not be empty: give the text that ends an answer") }
        try ThreadCount.validate(threads)
        guard temperature >= 0, topP > 0, topP <= 1, topK >= 0, repetitionPenalty > 0 else {
            throw ValidationError("sampling settings out of range (temperature ≥ 0, 0 < top-p ≤ 1, top-k ≥ 0, repetition penalty > 0)")
        }
    }

    func run() throws {
        BLAS.threads = threads
        let location = try ModelLocation.resolve(model)
        let quantization = dtype.weightQuantization(blocksize: 64, doubleQuant: doubleQuant)
        let loaded = try ModelLoader.load(location, quantization: quantization)
        guard let tokenizer = loaded.tokenizer else {
            throw ValidationError("\(location.path) has no tokenizer (tokenizer.json or GGUF vocabulary)")
        }
        let lora = try adapter.map { try LoRAAdapter.load(directory: $0, config: loaded.model.config) }
        let generator = Generator(model: loaded.model, adapter: lora)
        let sampling = SamplingOptions(temperature: temperature, topK: topK, topP: topP, repetitionPenalty: repetitionPenalty, seed: seed)

        if !chat {
            _ = try answer(tokenizer.encodeSequence(prompt!), generator: generator, tokenizer: tokenizer, sampling: sampling)
            StandardOutput.write(Data("\n".utf8))
            return
        }
        var messages: [ChatMessage] = system.map { [ChatMessage(role: "system", content: $0)] } ?? []
        let interactive = isatty(STDIN_FILENO) != 0
        var pending = prompt
        while true {
            let message: String
            if let p = pending {
                message = p
                pending = nil
            } else {
                if interactive { StandardError.write(Data("> ".utf8)) }
                guard let line = readLine() else { break }
                if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                message = line
            }
            messages.append(ChatMessage(role: "user", content: message))
            let text = try tokenizer.renderChat(messages, addGenerationPrompt: true)
            let reply = try answer(tokenizer.encodeSequence(text), generator: generator, tokenizer: tokenizer, sampling: sampling)
            StandardOutput.write(Data("\n".utf8))
            messages.append(ChatMessage(role: "assistant", content: reply))
        }
    }

    /// Streams one answer to standard output and returns its text (without the end-of-turn token).
    private func answer(_ ids: [Int], generator: Generator, tokenizer: any Tokenizer, sampling: SamplingOptions) throws -> String {
        var decoder = tokenizer.makeStreamingDecoder()
        var text = ""
        var printed = 0
        // Hold back as many characters as the longest stop string could need, so a stop string is never printed.
        let holdBack = (stop.map(\.count).max() ?? 1) - 1
        func flush(upTo end: Int) {
            guard end > printed else { return }
            let start = text.index(text.startIndex, offsetBy: printed), stopAt = text.index(text.startIndex, offsetBy: end)
            StandardOutput.write(Data(text[start..<stopAt].utf8))
            printed = end
        }
        let stopTokens = Set([tokenizer.id(of: "<|im_end|>"), tokenizer.id(of: "<end_of_turn>"), tokenizer.eosID].compactMap { $0 })
        _ = try generator.generate(prompt: ids, maxNewTokens: maxNewTokens, sampling: sampling, stopTokens: stopTokens) { token in
            text += decoder.append(token)
            if let hit = stop.compactMap({ text.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
                text = String(text[..<hit.lowerBound])
                flush(upTo: text.count)
                return true
            }
            flush(upTo: max(printed, text.count - holdBack))
            return false
        }
        text += decoder.finish()
        flush(upTo: text.count)
        return text
    }
}
