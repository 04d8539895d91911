extension TrainingConfig {
    /// What is wrong with this configuration, in words; empty when the trainer can run it.
    ///
    /// Checked when a grid is expanded, so that a bad combination fails at `qlab plan`, not hours into a run.
    public func validationProblems() -> [String] {
        var problems: [String] = []
        func require(_ condition: Bool, _ message: @autoclosure () -> String) {
            if !condition { problems.append(message()) }
        }
        require(steps > 0, "steps must be positive, not \(steps)")
        require(batchSize > 0, "batchSize must be positive, not \(batchSize)")
        require(gradientAccumulation > 0, "gradientAccumulation must be positive, not \(gradientAccumulation)")
        require(gradientAccumulation > 0 && batchSize % gradientAccumulation == 0,
                "batchSize \(batchSize) is not a multiple of gradientAccumulation \(gradientAccumulation)")
        require(threads > 0, "threads must be positive, not \(threads)")
        require(checkpointEvery >= 0 && evalEvery >= 0, "checkpointEvery and evalEvery must not be negative")
        require(!model.name.isEmpty, "the model name is empty")
        require([32, 64, 128, 256, 512, 1024, 2048, 4096].contains(model.blocksize),
                "quantization block size \(model.blocksize) is not a power of two from 32 to 4096")
        if let adapter = model.adapter {
            require(!adapter.isEmpty, "model.adapter is empty: name a PEFT adapter folder, or leave it unset for a new adapter")
            require(!fullFineTune, "full fine-tuning trains the weights themselves: model.adapter does not apply")
        }
        if fullFineTune {
            require(model.compute == .float32,
                    "full fine-tuning trains in float32: model.compute must be float32, not \(model.compute.rawValue)")
            require(model.quantization == .none,
                    "full fine-tuning trains float32 weights: model.quantization must be none, not \(model.quantization.rawValue)")
        } else {
            require(lora.rank > 0, "LoRA rank must be positive, not \(lora.rank)")
            require(!lora.targets.isEmpty, "LoRA adapts no projection")
            require(lora.dropout >= 0 && lora.dropout < 1, "LoRA dropout \(lora.dropout) is not in [0, 1)")
        }
        require(optimizer.learningRate > 0, "learning rate must be positive, not \(optimizer.learningRate)")
        require(optimizer.maxGradNorm >= 0, "maxGradNorm must not be negative")
        require(data.sourceMaxLength > 0 && data.targetMaxLength > 0, "source and target lengths must be positive")
        require(data.evalSize >= 0, "evalSize must not be negative")
        if let held = evaluation.heldOutLoss {
            require(held.minTokens >= 0 && held.maxExamples >= 0, "HeldOutLoss minTokens and maxExamples must not be negative")
        }
        for p in evaluation.perplexity {
            require(!p.files.isEmpty, "Perplexity \(p.name) names no text file")
            require(p.window > 0, "Perplexity \(p.name): window must be positive, not \(p.window)")
            require(p.maxTokens >= 0, "Perplexity \(p.name): maxTokens must not be negative")
            require(!p.at.isEmpty, "Perplexity \(p.name) is measured at no moment (at: [.base, .trained])")
        }
        for b in evaluation.benchmarks {
            require(b.shots >= 0 && b.limit >= 0, "Benchmark \(b.name): shots and limit must not be negative")
            require(!b.at.isEmpty, "Benchmark \(b.name) is measured at no moment (at: [.base, .trained])")
        }
        let benchmarkNames = evaluation.benchmarks.map(\.name)
        require(Set(benchmarkNames).count == benchmarkNames.count, "two Benchmark evaluations share a name: \(benchmarkNames)")
        let names = evaluation.perplexity.map(\.name)
        require(Set(names).count == names.count, "two Perplexity evaluations share a name: \(names)")
        return problems
    }
}
