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
        Conclusion("""
            **Activations are most of the memory and recomputing them saves the most at 512 tokens; the 4-bit base \
            and double quantization save what the paper says they save, on a base that is mostly embedding.** One \
            seed; the parts are exact (allocated sizes, the same in every run), the peak resident set is one \
            measurement per cell. At 64 + 64 tokens, the paper's Figure 1 here: full fine-tuning holds 3,129 MiB \
            by part (5,290 peak): the weights 515, their float32 values and gradients 1,026, AdamW's moments \
            1,026, activations 561. LoRA on the float32 base holds 1,413 (1,866 peak); QLoRA on NF4 + DQ 1,060 \
            (1,516 peak): the base drops from 515 to 162 MiB, of which 108 are the float32 embedding (49,152 × \
            576, tied), so the 4-bit projections are about 54 MiB for 106M weights. Double quantization saves \
            4.7 MiB (167.1 → 162.4), 0.373 bits a projection weight, the paper's 0.37. The 8-bit optimizer cuts \
            the moments from 149.1 to 37.9 MiB (3.9×) and the peak from 1,516 to 1,254; rank 8 instead of 64 cuts \
            adapters, gradients and moments from 298 to 37 MiB and the activations by 23 MiB (the rank-wide \
            products x·A), 284 MiB of parts in all, while the peak falls by 613 (to 903): the rest is outside the \
            parts qlab counts. The paged optimizer holds the same (1,060 by part, 1,516 peak): paging only helps \
            when memory runs out, which it never did here. Activations are 57% of QLoRA's parts at 128 tokens \
            (599.4 of 1,060) and 83% at 512 (2,252 of 2,712), as the paper's §2 finds for 7B (567 MB of input \
            gradients against 26 MB of LoRA weights); recomputing them (gradient checkpointing) holds 121 and 340 \
            MiB instead, and the peak falls from 1,516 to 1,038 MiB at 128 tokens and from 3,182 to 1,271 at 512, \
            the largest saving of any setting at 512 tokens (at 128, rank 8's is larger). LoRA's activations \
            (599.4 MiB) are 7% above full fine-tuning's (560.9) at the same shape: what the adapters add, their \
            rank-64 products and one bit per value of each adapted input for B.2's dropout of 0.1 (the backward \
            pass recomputes the dropped input). Both include the output layer's logits, formed 256 rows (48 MiB) \
            at a time. The grid's first run, on code that kept the dropped input and \
            its scale factors in float32, found LoRA's activations twice full fine-tuning's (1,138 MiB, QLoRA's \
            peak 2,065 at 128 tokens and 5,455 at 512, with 64-row logits); this page is the grid run again on \
            the code that keeps the bits, with every `train_loss` within 0.001 of the first run's (the \
            exponentials and the logits' chunks round a little differently). How sure: the parts are arithmetic \
            on the shapes and hold exactly; the peak resident sets include loading (full fine-tuning's peak is \
            2.1 GiB above its parts) and differ between runs by tens of MiB, so differences smaller than that \
            (double quantization's 4.7 MiB) show only in the parts.
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
