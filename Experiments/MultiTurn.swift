import ExperimentSpec

extension Experiments {
    /// Firefly's multi-turn training: the loss on every assistant turn against the loss on the last one only.
    public static let multiTurn = Experiment("multi-turn") {
        Description("""
            Two-person chats (the chitchat corpus) as multi-turn conversations through SmolLM2's chat template: the \
            loss on every assistant turn (Firefly's way, and QLoRA's for OASST1) against the loss on the last \
            assistant turn only, the earlier turns being context; three seeds each.
            """)
        Question("On multi-turn chat, does putting the loss on every assistant turn train a better model than the loss on the last turn only?")
        Hypothesis("""
            As Firefly argues: with the same conversations and steps, every-turn training reaches a lower held-out \
            loss, both on all assistant turns and on the last turn alone, because it learns from several answers \
            per conversation instead of one.
            """)
        Notes("""
            2 ways × 3 seeds = 6 cells of 40 steps of 4 conversations, each cut at 192 tokens (the chats' median \
            is about 1,300 characters), in a shuffled order (40 steps are less than one length-grouped mega-batch). \
            "Last" is the last assistant turn the cut conversation keeps, so every example has an answer to \
            learn from. Both ways are scored on the same held-out tokens: every assistant turn of the held-out \
            conversations (`eval_loss`, `HeldOutLoss(turns: .all)`), whatever turns the cell trained on.
            """)
        Model.smolLM2_135M
        Dataset("chitchat")
        QLoRA.paperDefaults.scaled(steps: 40, batchSize: 4, sourceLength: 96, targetLength: 96)
        Fix(\.data.groupByLength, false)
        Fix(\.gradientCheckpointing, false)  // 135M parameters: activations fit, and recomputing them costs a third
        Fix(\.checkpointEvery, 20)
        Axis(\.data.assistantTurns, [AssistantTurns.all, .last])
        Seeds(3)
        Evaluate {
            HeldOutLoss(turns: .all)
        }
    }
}
