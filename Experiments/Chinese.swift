import ExperimentSpec

extension Experiments {
    /// Anima's recipe at small scale: QLoRA on Chinese chat with a multilingual base, measured before and after on
    /// held-out answers, Chinese text, a Chinese benchmark and a tournament that includes the untrained base.
    public static let chinese = Experiment("chinese") {
        Description("""
            Gemma 3 270M (Google's multilingual pretrained base, GGUF Q4_K_M, re-quantized to NF4 with double \
            quantization) trained with QLoRA (B.2: r 64, α 16, all linear layers) on the Chinese ChatterBot pairs, \
            40 steps of 4 in a shuffled order at three rates: 1e-4 (Anima's), 3e-4 and 1e-3 (the rate the smoke \
            and learning-rate grids found to move a small model in 40 steps), three seeds each. Measured on the \
            base and after training: Chinese text (the Tang poems of Debian's fortunes-zh, never trained on), the \
            poems-zh benchmark in its cloze form, and a tournament over held-out questions with the base as a \
            contestant; after training, the held-out answer loss.
            """)
        Question("Does a short QLoRA run on Chinese chat teach a small multilingual base the task without costing it the language it already had?")
        Hypothesis("""
            As Anima (QLoRA of a 33B base on Chinese data) and the paper's Guanaco: the adapters lower the held-out \
            loss of the chat answers well below the base's and win the tournament against the base, while \
            perplexity on unrelated Chinese text and the benchmark's accuracy move little, since 40 steps of \
            adapters on short chat answers teach the format, not knowledge.
            """)
        Notes("""
            9 cells, three rates × three seeds. The 1e-3 cells ran first (one at a time on both cores, on code that \
            kept LoRA dropout's scale factors in float32: hence their larger activations in the memory columns; \
            the one-bit masks since give the same results bit for bit); the six at 1e-4 and 3e-4 ran afterwards \
            with the rate as an axis, which left the 1e-3 cells' ids unchanged, so they were not run again. The \
            base is Q4_K_M weights dequantized and quantized again to NF4 (there is no float Gemma here); the base \
            measurements (`…_base`) are of that NF4 base without adapters, so the before/after differences are the \
            adapters' alone. poems-zh is scored in cloze form (each candidate line's log-probability per byte \
            after the question) on its first 10 questions per subject (40): the letter form sits at chance for a \
            270M base. The tournament's judge is the reference judge (chrF against the held-out answer), 12 \
            prompts, both orders, all nine cells and the base. Firefly's multi-turn comparison needs Chinese \
            conversations of more than one exchange, which the offline sources here do not have (ChatterBot's \
            Chinese corpus is question–answer pairs: 16 of its 467 conversations have a third statement); it is \
            not run. The Tang poems' perplexity is over their first 2,048 tokens.
            """)
        Conclusion("""
            **The adapters learn the chat answers at every rate and beat the base in the tournament, but they cost \
            the base some of its poetry at every rate: the loss on the Tang poems grows with the rate, from +0.09 \
            nats a token at Anima's 1e-4 to +0.35 at 1e-3, and is above zero in every cell.** Three seeds per \
            rate. Held-out answer loss (56 answers, 610 tokens), mean ± 95% t-interval: 4.492 ± 0.054 at 1e-4, \
            4.392 ± 0.075 at 3e-4, 4.371 ± 0.156 at 1e-3, against the base's 6.180 on the same answers and \
            settings (measured once with `qlab eval --config` on a cell's config.json; the grid does not score the \
            base's held-out loss): every rate is 1.7–1.8 nats below the base. Paired by seed, 1e-4 is 0.121 above \
            1e-3 (p 0.044, Holm 0.089: suggestive) and 3e-4 0.021 above (p 0.40). The Tang poems (never trained \
            on): perplexity 208.0 on the base; after training 236.9 / 222.6 / 225.1 at 1e-4, 256.8 / 238.6 / \
            245.4 at 3e-4, 306.1 / 260.3 / 320.4 at 1e-3; as log ratios to the base, +0.092 ± 0.082, +0.171 ± \
            0.092 and +0.347 ± 0.271 nats a token. The tournament (12 held-out questions, reference judge, both \
            orders, ten contestants) puts the base last by every method: paired Elo 865 (758–942) against 949–1,081 \
            for the nine cells, with no order by rate (the first three are one cell of each rate); the cells' \
            intervals overlap one another, and five of them reach below the base's upper end, so it separates the \
            three best cells from the base, not the rates from one another. poems-zh in cloze form: the base answers 10 of 40 (25%, Wilson 14–40%), the \
            cells 9 or 10: chance before and after, so this benchmark at 40 questions says nothing about a 270M \
            base either way. Against the hypothesis and Anima's experience at 33B, the small base does not keep \
            its language intact while it learns the format. Anima's rate keeps most of it (its loss on the poems \
            is a quarter of 1e-3's) for a held-out answer loss 0.12 nats higher, and 3e-4 does half the damage of \
            1e-3 for an answer loss within 0.02 of it. Firefly's multi-turn comparison needs Chinese \
            conversations this machine does not have. How sure: the held-out and tournament gains over the base \
            are large against three seeds; the poems' loss is above zero in all nine cells and ordered by rate in \
            its means, but the intervals of neighbouring rates overlap; everything rests on 40 steps and a base \
            that was 4-bit twice (Q4_K_M, then NF4). \(ResearchGrid.seedCaveat)
            """)
        Model.gemma3_270M
        Dataset.chatterbot(.chinese)
        QLoRA.paperDefaults.scaled(steps: 40, batchSize: 4, sourceLength: 64, targetLength: 64)
        Fix(\.data.groupByLength, false)
        Fix(\.gradientCheckpointing, false)
        Fix(\.checkpointEvery, 20)
        Axis(\.optimizer.learningRate, [1e-4, 3e-4, 1e-3])
        Seeds(3)
        Evaluate {
            HeldOutLoss()
            Perplexity(text: ["/usr/share/games/fortunes/tang300"], name: "tang300", window: 256, maxTokens: 2048)
            Benchmark("poems-zh", limit: 10, scoring: .cloze)
            Tournament(judge: .reference, prompts: 12, maxNewTokens: 24, includeBase: true)
        }
    }
}
