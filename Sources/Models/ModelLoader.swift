import Foundation
import Tensors
import GGUF
import Tokenizers

/// A base model ready to run: the network and, when the checkpoint carries one, its tokenizer.
public struct LoadedModel: Sendable {
    /// Where it came from.
    public let location: ModelLocation
    /// The network.
    public let model: LlamaModel
    /// The tokenizer, when the checkpoint has one (GGUF metadata, tokenizer.json or tokenizer.model).
    public let tokenizer: (any Tokenizer)?
}

/// Loads base models from any supported location, quantizing the frozen projections as asked.
public enum ModelLoader {
    /// Loads `location`; `quantization` nil keeps every weight float32. `compute` is how the frozen projections'
    /// products are computed (`.bf16`: bfloat16 inputs, float32 sums).
    public static func load(_ location: ModelLocation, quantization: WeightQuantization?,
                            compute: ComputePrecision = .float32) throws -> LoadedModel {
        let linear: (String, Tensor) throws -> FrozenLinear = { _, w in
            var layer = try FrozenLinear(weight: w, quantization: quantization)
            layer.compute = compute
            return layer
        }
        switch location {
        case .huggingFace(let directory):
            let checkpoint = try HuggingFaceCheckpoint(directory: directory)
            let model = try checkpoint.model(linear: linear)
            var tokenizer = try TokenizerLoader.huggingFace(directory: directory)
            if tokenizer == nil && model.config.vocabSize == 259 {
                // The byte-level vocabulary of small test models: bytes, then <pad>, <s>, </s>.
                tokenizer = try ByteTokenizer()
            }
            return LoadedModel(location: location, model: model, tokenizer: tokenizer)
        case .gguf(let path):
            let file = try GGUFFile(path: path)
            let family = try ModelFamily.of(file)
            let model = try family.readGGUF(file, linear)
            return LoadedModel(location: location, model: model,
                               tokenizer: try GGUFTokenizer.load(file, fallbackChatTemplate: family.chatTemplate))
        }
    }
}

extension LlamaConfig {
    /// The configuration a GGUF file's metadata describes.
    public init(gguf info: GGUFModelInfo) {
        self.init(hiddenSize: info.hiddenSize, numHiddenLayers: info.numHiddenLayers, numAttentionHeads: info.numAttentionHeads,
                  numKeyValueHeads: info.numKeyValueHeads, headDim: info.headDim, intermediateSize: info.intermediateSize,
                  vocabSize: info.vocabSize, rmsNormEps: info.rmsNormEps, ropeTheta: info.ropeTheta,
                  maxPositionEmbeddings: info.maxPositionEmbeddings, tieWordEmbeddings: info.tieWordEmbeddings,
                  bosTokenID: info.bosTokenId, eosTokenIDs: info.eosTokenId.map { [$0] } ?? [], padTokenID: nil)
    }
}
