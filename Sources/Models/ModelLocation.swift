import Foundation
import Support

/// Where a base model lives: a Hugging Face checkpoint directory or a GGUF file.
public enum ModelLocation: Sendable, Equatable, CustomStringConvertible {
    /// A directory with config.json and safetensors weights.
    case huggingFace(directory: String)
    /// A llama.cpp GGUF file.
    case gguf(path: String)

    /// The path on disk.
    public var path: String {
        switch self {
        case .huggingFace(let d): d
        case .gguf(let p): p
        }
    }

    public var description: String { path }

    /// Short names of models that `scripts/setup` prepares in the project's cache.
    public static let shortNames: [String: String] = [
        "smollm2-135m": "smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf",
        "gemma3-270m": "gemma3-270m/gemma-3-270m-q4_k_m.gguf",
    ]

    /// Folders searched for short names, in order: `$QLAB_MODELS`, `./.cache/models`, and the `.cache/models`
    /// of the checkout the running executable was built in.
    public static func searchFolders(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        CheckoutFolders.candidates(relative: ".cache/models", variable: "QLAB_MODELS", environment: environment)
    }

    /// Resolves a user's model argument: a short name, a GGUF file, or a checkpoint directory.
    public static func resolve(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ModelLocation {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: name, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return .huggingFace(directory: name) }
            if name.lowercased().hasSuffix(".gguf") { return .gguf(path: name) }
            throw ModelLoadError(path: name, message: "not a checkpoint directory or a .gguf file")
        }
        if let relative = shortNames[name] {
            let folders = searchFolders(environment: environment)
            for folder in folders where fm.fileExists(atPath: folder + "/" + relative) {
                return .gguf(path: folder + "/" + relative)
            }
            throw ModelLoadError(path: name, message: "the model is not prepared; run scripts/setup (searched \(folders.joined(separator: ", ")))")
        }
        throw ModelLoadError(path: name, message: "no such file or directory, and not a known model name (known: \(shortNames.keys.sorted().joined(separator: ", ")))")
    }
}
