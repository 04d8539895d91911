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
            3 cells, one per seed, run one at a time on both cores so that the base is measured once and read by \
            the others. The base is Q4_K_M weights dequantized and quantized again to NF4 (there is \
            no float Gemma here); the base measurements (`…_base`) are of that NF4 base without adapters, so the \
            before/after differences are the adapters' alone. poems-zh is scored in cloze form (each candidate \
            line's log-probability per byte after the question) on its first 10 questions per subject (40): the \
            letter form sits at chance for a 270M base. The tournament's judge is the reference judge (chrF against \
            the held-out answer), 12 prompts, both orders. Firefly's multi-turn comparison needs Chinese \
            conversations of more than one exchange, which the offline sources here do not have (ChatterBot's \
            Chinese corpus is question–answer pairs); it is not run. The Tang poems' perplexity is over their \
            first 2,048 tokens.
            """)
        Conclusion("""
            **The adapters learn the chat answers and beat the base in the tournament, but they cost the base its \
            poetry: 40 steps of Chinese chat raise the Tang poems' perplexity in every seed.** Three seeds, one \
            configuration, so the comparisons are trained against base, paired by seed. Held-out answer loss \
            (56 answers, 610 tokens): 4.371 ± 0.156 after training (4.438, 4.314, 4.360) against the base's 6.180 \
            on the same answers and settings (measured once with `qlab eval --config` on a cell's config.json; the \
            grid does not score the base's held-out loss), 1.81 nats lower. The tournament (12 held-out \
            questions, reference judge, both orders) puts the base last by every method: paired Elo 884 \
            (815–946) against 1,007–1,075 for the three cells, whose intervals overlap one another and, for two of \
            them, just reach the base's upper end (923 and 945 against 946). The Tang poems (first 2,048 tokens, \
            never trained on): perplexity 208.0 on the base, 306.1, 260.3 and 320.4 after training, +0.347 ± \
            0.271 nats a token (log ratio, paired by seed; above zero in every seed). poems-zh in cloze form: the \
            base answers 10 of 40 (25%, Wilson 14–40%), the cells 10, 10 and 9: chance before and after, so this \
            benchmark at 40 questions says nothing about a 270M base either way. \
            Against the hypothesis and Anima's experience at 33B: the small base does not keep its language while \
            it learns the format; 40 steps at 1e-3 with r 64 on all layers move it away from classical Chinese. \
            Whether a lower rate keeps the poems (Anima trained at 1e-4) and still teaches the answers is the next \
            grid; Firefly's multi-turn comparison needs Chinese conversations this machine does not have. How sure: \
            the held-out and tournament gains are large against three seeds; the poems' loss is consistent in sign \
            but its size varies by seed (0.22–0.43 nats); everything rests on one rate, 40 steps and a base that \
            was 4-bit twice (Q4_K_M, then NF4). \(ResearchGrid.seedCaveat)
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
