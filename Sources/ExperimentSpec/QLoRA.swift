/// The QLoRA paper's settings (Dettmers et al. 2023, arXiv 2305.14314) as presets.
///
/// Sources are the project's reference notes (`qlora-facts.md` §4–§5): Appendix B.2 as quoted by the Guanaco
/// model card and the paper's page, and the scripts of the reference repository (artidoro/qlora).
public enum QLoRA {
    /// Parameter count above which B.2 lowers the LoRA dropout (the paper's 13B models are the last at 0.1).
    public static let largeModelThreshold = 13_000_000_000

    /// B.2's LoRA dropout for a model of `parameters`: 0.1 up to 13B, 0.05 above (33B and 65B).
    ///
    /// Note the sources disagree: A.1 says 0.05 helps 7B/13B, and the reference repository's 13B script uses 0.05.
    public static func loraDropout(parameters: Int) -> Double {
        parameters <= largeModelThreshold ? 0.1 : 0.05
    }

    /// Appendix B.2's defaults, with the dropout chosen from the experiment's model size (see `loraDropout`).
    ///
    /// - LoRA: r 64, α 16, all linear layers (B.2); dropout 0.1 ≤ 13B, 0.05 above (B.2).
    /// - Optimizer: paged AdamW 32-bit, β2 0.999, max grad norm 0.3 (B.2); weight decay 0 and learning rate 2e-4
    ///   (qlora.py defaults; Table 9 gives the per-size rates).
    /// - Schedule: constant (B.2), no warm-up (the scripts' warm-up ratio is a no-op for "constant").
    /// - Model: NF4 with double quantization (B.2), blocks of 64 (bitsandbytes' default).
    /// - Data: group-by-length (B.2); gradient checkpointing on (scripts).
    public static let paperDefaults = Preset("QLoRA.paperDefaults") { config, context in
        guard let model = context.model else {
            throw ExperimentError.modelSizeUnknown(model: "an experiment without a Model declaration", preset: "QLoRA.paperDefaults")
        }
        guard let parameters = model.parameters else {
            throw ExperimentError.modelSizeUnknown(model: model.name, preset: "QLoRA.paperDefaults")
        }
        applyPaperDefaults(to: &config, parameters: parameters)
    }

    /// Appendix B.2's defaults for a model of `parameters`, whatever model the experiment declares.
    public static func paperDefaults(parameters: Int) -> Preset {
        Preset("QLoRA.paperDefaults(parameters: \(parameters))") { config, _ in
            applyPaperDefaults(to: &config, parameters: parameters)
        }
    }

    private static func applyPaperDefaults(to config: inout TrainingConfig, parameters: Int) {
        config.lora.rank = 64
        config.lora.alpha = 16
        config.lora.dropout = loraDropout(parameters: parameters)
        config.lora.targets = LoRASettings.LayerSet.all.targets
        config.lora.useRSLoRA = false
        config.optimizer.kind = .pagedAdamW
        config.optimizer.learningRate = 2e-4
        config.optimizer.beta2 = 0.999
        config.optimizer.weightDecay = 0
        config.optimizer.maxGradNorm = 0.3
        config.schedule = ScheduleSettings(kind: .constant, warmupSteps: 0)
        config.model.quantization = .nf4
        config.model.doubleQuant = true
        config.model.blocksize = 64
        config.data.groupByLength = true
        config.gradientCheckpointing = true
    }
}
