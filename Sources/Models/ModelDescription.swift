import Foundation
import Support
import GGUF

/// What a model file is, read from its configuration alone (no weights): its family and the block's shape.
public struct ModelDescription: Sendable {
    /// Where it is.
    public let location: ModelLocation
    /// Its family (block, tokenizer, chat turns, what training can do with it).
    public let family: ModelFamily
    /// Its shape as the configuration states it.
    public let config: LlamaConfig

    /// Reads `location`'s `config.json` or GGUF metadata.
    public init(_ location: ModelLocation) throws {
        self.location = location
        switch location {
        case .huggingFace(let directory):
            config = try LlamaConfig.load(path: directory + "/config.json")
            family = config.family
        case .gguf(let path):
            let file = try GGUFFile(path: path)
            family = try ModelFamily.of(file)
            var c = try family.readGGUFConfig(file)
            c.familyName = family.name
            config = c
        }
    }

    /// The description as labelled lines.
    public var lines: [(String, String)] {
        let c = config
        var lines: [(String, String)] = [
            ("model", location.path), ("family", family.name), ("block", family.block), ("tokenizer", family.tokenizer),
            ("chat turns", family.chatTemplate == nil ? "ChatML, or the vocabulary's own template" : "the family's (\(family.name))"),
            ("training", family.trainable ? (family.fullyTrainable ? "LoRA, QLoRA, full fine-tuning" : "LoRA, QLoRA") : "none"),
            ("layers", "\(c.numHiddenLayers)"), ("hidden", "\(c.hiddenSize)"), ("MLP", "\(c.intermediateSize)"),
            ("heads", "\(c.numAttentionHeads) query, \(c.numKeyValueHeads) key/value, \(c.headDim) wide"),
            ("vocabulary", "\(c.vocabSize)"), ("RoPE base", "\(c.ropeTheta)"), ("context", "\(c.maxPositionEmbeddings)"),
            ("output", c.tieWordEmbeddings ? "tied to the embedding" : "its own matrix"),
        ]
        if let g = c.gemma3 {
            lines.append(("attention", "sliding window \(g.slidingWindow) (RoPE base \(g.localRopeTheta)), global every \(g.globalLayerEvery)"))
        }
        return lines
    }
}
