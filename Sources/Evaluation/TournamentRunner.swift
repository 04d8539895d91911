import Foundation

/// Schedules, judges and rates a tournament between contestants (cells) that answered the same prompts.
///
/// Every pair meets on every prompt in both presentation orders, so n contestants and p prompts make
/// n·(n−1)·p judgments and a judge's preference for the first (or second) position cancels. The judgments are
/// run in schedule order, by one thread or by `concurrency` threads; the result lists them in schedule order
/// either way. Failed judgments are kept, counted and reported, and left out of the ratings.
public enum TournamentRunner {
    /// Every match of the tournament: prompts in the given order, pairs of sorted contestants, forward then reverse.
    public static func schedule(contestants: [String], prompts: [TournamentPrompt]) throws(TournamentError) -> [TournamentMatch] {
        let sorted = contestants.sorted()
        guard sorted.count >= 2 else {
            throw .invalidInput("a tournament needs at least two contestants, not \(sorted.count)")
        }
        if let repeated = zip(sorted, sorted.dropFirst()).first(where: { $0.0 == $0.1 }) {
            throw .invalidInput("contestant \"\(repeated.0)\" is listed twice")
        }
        guard !prompts.isEmpty else { throw .invalidInput("a tournament needs at least one prompt") }
        var seen = Set<String>()
        for prompt in prompts where !seen.insert(prompt.id).inserted {
            throw .invalidInput("prompt \"\(prompt.id)\" appears twice in the prompt set")
        }
        var matches: [TournamentMatch] = []
        matches.reserveCapacity(prompts.count * sorted.count * (sorted.count - 1))
        for prompt in prompts {
            for i in sorted.indices {
                for j in (i + 1)..<sorted.count {
                    matches.append(TournamentMatch(promptID: prompt.id, contestantA: sorted[i], contestantB: sorted[j], order: .forward))
                    matches.append(TournamentMatch(promptID: prompt.id, contestantA: sorted[j], contestantB: sorted[i], order: .reverse))
                }
            }
        }
        return matches
    }

    /// Judges every match with `judge`; `answers[contestant][promptID]` is that contestant's answer.
    ///
    /// `onJudgment`, when given, sees each judgment as it completes (one at a time, in completion order), so a
    /// caller can record them as they come. The returned list is in schedule order.
    public static func judge(
        contestants: [String], prompts: [TournamentPrompt], answers: [String: [String: String]], judge: any Judge,
        concurrency: Int = 1, onJudgment: (@Sendable (TournamentJudgment) -> Void)? = nil
    ) throws(TournamentError) -> [TournamentJudgment] {
        guard concurrency > 0 else { throw .invalidSetting("concurrency must be positive, not \(concurrency)") }
        let matches = try schedule(contestants: contestants, prompts: prompts)
        for contestant in contestants {
            guard let own = answers[contestant] else { throw .invalidInput("no answers from contestant \"\(contestant)\"") }
            if let missing = prompts.first(where: { own[$0.id] == nil }) {
                throw .invalidInput("contestant \"\(contestant)\" has no answer to prompt \"\(missing.id)\"")
            }
        }
        let promptsByID = Dictionary(uniqueKeysWithValues: prompts.map { ($0.id, $0) })
        let requests = matches.map { match in
            let prompt = promptsByID[match.promptID]!
            return JudgeRequest(
                promptID: match.promptID, prompt: prompt.prompt, contestantA: match.contestantA,
                contestantB: match.contestantB, answerA: answers[match.contestantA]![match.promptID]!,
                answerB: answers[match.contestantB]![match.promptID]!, reference: prompt.reference)
        }
        let verdicts = run(requests, judge: judge, concurrency: concurrency) { index, verdict in
            onJudgment?(TournamentJudgment(match: matches[index], outcome: verdict.outcome, rawOutput: verdict.rawOutput))
        }
        return zip(matches, verdicts).map { TournamentJudgment(match: $0, outcome: $1.outcome, rawOutput: $1.rawOutput) }
    }

    /// Ratings from `judgments` (failed ones left out) as `settings` asks: Elo over random orderings always,
    /// Bradley–Terry and the single random-rounds pass when requested, win rates and records.
    public static func rate(
        _ judgments: [TournamentJudgment], contestants: [String], promptCount: Int, judge: String,
        settings: TournamentSettings
    ) throws(TournamentError) -> TournamentResult {
        try settings.validate()
        let battles = judgments.compactMap(\.battle)
        do {
            let elo = try RandomOrderingElo(parameters: settings.eloParameters, orderings: settings.orderings, seed: settings.seed)
                .ratings(battles)
            let bradleyTerry = try settings.bootstrapSamples.map { samples throws(RatingError) in
                try BradleyTerry(centre: settings.initial).bootstrap(battles, samples: samples, seed: settings.seed)
            }
            let rounds = try settings.rounds.map { count throws(RatingError) in
                try RandomRoundsElo(parameters: settings.eloParameters, rounds: count, seed: settings.seed).ratings(battles)
            }
            let paired = try settings.promptBootstrap.map { samples throws(RatingError) in
                try PromptBootstrapElo(elo: RandomOrderingElo(parameters: settings.eloParameters, orderings: settings.orderings, seed: settings.seed),
                                       samples: samples, seed: settings.seed).ratings(PairedComparison.comparisons(judgments))
            }
            let matrix = WinRateMatrix(battles)
            var winRates: [String: [String: Double]] = [:]
            for model in matrix.models {
                for opponent in matrix.models where opponent != model {
                    if let rate = matrix.winRate(model, against: opponent) { winRates[model, default: [:]][opponent] = rate }
                }
            }
            return TournamentResult(
                settings: settings, judge: judge, contestants: contestants.sorted(), promptCount: promptCount,
                judgments: judgments, elo: elo, bradleyTerry: bradleyTerry, pairedElo: paired, rounds: rounds, winRates: winRates,
                records: BattleRecord.tally(battles))
        } catch {
            throw .rating(error)
        }
    }

    /// Makes the judge from `settings.judge`, judges every match and rates the result.
    public static func run(
        contestants: [String], prompts: [TournamentPrompt], answers: [String: [String: String]],
        settings: TournamentSettings, onJudgment: (@Sendable (TournamentJudgment) -> Void)? = nil
    ) throws(TournamentError) -> TournamentResult {
        try settings.validate()
        let judge: any Judge
        do {
            judge = try JudgeSpec.makeJudge(settings.judge, timeout: .milliseconds(Int64((settings.judgeTimeout * 1000).rounded())))
        } catch {
            throw .judge(error)
        }
        return try run(contestants: contestants, prompts: prompts, answers: answers, judge: judge, settings: settings,
                       onJudgment: onJudgment)
    }

    /// Judges every match with `judge` (rather than the one `settings.judge` names) and rates the result.
    public static func run(
        contestants: [String], prompts: [TournamentPrompt], answers: [String: [String: String]], judge: any Judge,
        settings: TournamentSettings, onJudgment: (@Sendable (TournamentJudgment) -> Void)? = nil
    ) throws(TournamentError) -> TournamentResult {
        try settings.validate()
        let judgments = try self.judge(contestants: contestants, prompts: prompts, answers: answers, judge: judge,
                                       concurrency: settings.concurrency, onJudgment: onJudgment)
        return try rate(judgments, contestants: contestants, promptCount: prompts.count, judge: judge.spec, settings: settings)
    }

    /// Runs every request, `concurrency` at a time; verdicts come back in request order.
    static func run(
        _ requests: [JudgeRequest], judge: any Judge, concurrency: Int,
        completed: @escaping @Sendable (Int, JudgeVerdict) -> Void
    ) -> [JudgeVerdict] {
        if concurrency == 1 || requests.count <= 1 {
            return requests.enumerated().map { index, request in
                let verdict = judge.judge(request)
                completed(index, verdict)
                return verdict
            }
        }
        let board = VerdictBoard(count: requests.count)
        let group = DispatchGroup()
        // Plain threads, not the cooperative pool or GCD's width: a command judge blocks its thread for as long as
        // the program runs, and the number running at once must be exactly `concurrency`.
        for _ in 0..<min(concurrency, requests.count) {
            group.enter()
            let worker = Thread {
                while let index = board.claim() {
                    let verdict = judge.judge(requests[index])
                    board.store(verdict, at: index, report: completed)
                }
                group.leave()
            }
            worker.start()
        }
        group.wait()
        return board.verdicts
    }
}

/// The shared state of concurrent judging: the next request to claim and the verdicts so far.
private final class VerdictBoard: @unchecked Sendable {
    // Every access to `next` and `slots` holds `lock`; that is what makes the unchecked Sendable sound.
    private let lock = NSLock()
    private var next = 0
    private var slots: [JudgeVerdict?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func claim() -> Int? {
        lock.withLock {
            guard next < slots.count else { return nil }
            defer { next += 1 }
            return next
        }
    }

    func store(_ verdict: JudgeVerdict, at index: Int, report: (Int, JudgeVerdict) -> Void) {
        lock.withLock {
            slots[index] = verdict
            report(index, verdict)
        }
    }

    var verdicts: [JudgeVerdict] { lock.withLock { slots.map { $0! } } }
}
