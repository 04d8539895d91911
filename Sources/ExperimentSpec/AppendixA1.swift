/// The LoRA hyper-parameter search of the QLoRA paper's Appendix A.1.
///
/// Source: two independent secondary summaries of the appendix (`qlora-facts.md` §4.1): dropout {0, 0.05, 0.1},
/// r {8, 16, 32, 64, 128, 256}, five layer sets. The appendix says the learning rate was searched with α fixed
/// but the summaries give no values, so the caller chooses the learning rates.
public enum AppendixA1 {
    /// LoRA dropout values searched.
    public static let dropouts: [Double] = [0, 0.05, 0.1]
    /// LoRA ranks searched.
    public static let ranks: [Int] = [8, 16, 32, 64, 128, 256]
    /// The layer sets searched: key+query, all attention, all FFN, all layers, attention + FFN output.
    public static let layerSets: [LoRASettings.LayerSet] = [.keyQuery, .attention, .ffn, .all, .attentionAndFFNOutput]

    /// The search grid: dropout × rank × layer set × `learningRates`, first axis slowest.
    public static func grid(learningRates: [Double]) -> Product {
        Product {
            Axis(\.lora.dropout, dropouts)
            Axis(\.lora.rank, ranks)
            Axis(\.lora.targets, over: layerSets, name: "lora.layers") { $0.targets }
            Axis(\.optimizer.learningRate, learningRates)
        }
    }
}
