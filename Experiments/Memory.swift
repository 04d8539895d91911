import ExperimentSpec

extension Experiments {
    /// The paper's Figure 1 and §2 at this scale: what full fine-tuning, LoRA and QLoRA hold in memory, and what
    /// each of QLoRA's parts (the 4-bit base, double quantization, the paged and 8-bit optimizers, rank, recomputed
    /// activations) changes, at two sequence lengths.
    public static let memory = Experiment("memory") {
        Description("""
            SmolLM2-135M trained for 2 steps of 4 chitchat conversations, each setting at two sequence lengths \
            (source + target 64 + 64 and 256 + 256 tokens; the longest conversations fill both), one process per \
            cell. Every cell records its peak resident set and what it holds by part as allocated: the frozen base \
            as stored, the trainable values with their gradients, the optimizer's moments and the step's \
            activation buffers.
            """)
        Question("Where does the memory of fine-tuning go, and how much does each of QLoRA's techniques save?")
        Hypothesis("""
            As the paper's Figure 1 and §2: full fine-tuning holds the weights, their gradients and two optimizer \
            moments per weight (16 bytes a parameter in float32); LoRA holds the base once and a small adapter; \
            QLoRA stores the base in about 4.1 bits a weight (NF4 with double quantization saves about 0.37 bits \
            a weight over NF4 alone); the 8-bit optimizer quarters the moments; gradient checkpointing trades \
            activations for compute; and at these model sizes activations, not the adapters, are what grows with \
            the sequence.
            """)
        Notes("""
            Memory does not depend on the seed (one seed per cell) and 2 steps reach the steady state: every buffer \
            is allocated before the first step at the batch's largest shape. The parts are what qlab allocates, \
            computed from the buffers' sizes; the peak resident set is the process's, read from the kernel at the \
            end of training (`VmHWM`), and includes the program, the libraries' thread pools and the data. The \
            embedding and output layer (49,152 × 576, tied) stay float32 in every setting, as in the paper, where \
            only the linear layers of the blocks are quantized. Full fine-tuning trains every weight in float32 \
            with AdamW; the LoRA and QLoRA settings put r 64 (or 8) adapters on all seven projections.
            """)
        Model.smolLM2_135M
        Dataset("chitchat")
        QLoRA.paperDefaults.scaled(steps: 2, batchSize: 4, sourceLength: 64, targetLength: 64)
        Fix(\.data.groupByLength, false)
        Fix(\.checkpointEvery, 0)
        Zip {
            Axis(\.model, over: ["full-ft-float32", "lora-float32", "qlora-nf4", "qlora-nf4-dq", "qlora-nf4-dq-paged",
                                 "qlora-nf4-dq-8bit", "qlora-nf4-dq-r8", "qlora-nf4-dq-recompute"], name: "setup") { label in
                label.hasSuffix("float32") ? ModelSettings(quantization: .none, doubleQuant: false)
                    : ModelSettings(quantization: .nf4, doubleQuant: label != "qlora-nf4")
            }
            Axis(\.fullFineTune, [true, false, false, false, false, false, false, false], name: "full")
            Axis(\.optimizer.kind, [OptimizerKind.adamW, .adamW, .adamW, .adamW, .pagedAdamW, .adamW8bit, .adamW, .adamW], name: "optimizer")
            Axis(\.lora.rank, [64, 64, 64, 64, 64, 64, 8, 64], name: "rank")
            Axis(\.gradientCheckpointing, [false, false, false, false, false, false, false, true], name: "recompute")
        }
        Zip {
            Axis(\.data.sourceMaxLength, [64, 256], name: "source")
            Axis(\.data.targetMaxLength, [64, 256], name: "target")
        }
        Seeds(1)
        Evaluate {}
    }
}
