import Evaluation
import ExperimentSpec
import Foundation
import Lineage
import Tensors

/// The tournament between an experiment's finished cells, from the answers their workers saved.
extension GridRunner {
    /// Whether the store already holds ratings of this experiment's tournament.
    public var hasTournament: Bool { ((try? store.ratings(tournament: experiment.name)) ?? []).isEmpty == false }

    /// A judgment's outcome as the store records it: every case named, so a new outcome cannot be stored as
    /// another by a silent fallback.
    static func storedWinner(_ outcome: JudgmentOutcome) -> JudgmentWinner {
        switch outcome {
        case .a: .a
        case .b: .b
        case .tie: .tie
        case .failed: .failed
        }
    }

    /// The tournament the grid's cells declare in their own configurations (with the overrides: a `--set` of a
    /// tournament setting counts), or nil; an error when the cells disagree, as an `Axis` over one would make them.
    public func declaredTournament() throws -> Tournament? {
        let declared = Set(try experiment.cells(overrides: overrides).map(\.config.evaluation.tournament))
        guard declared.count <= 1 else {
            throw RunnerError.cellFailed(cell: experiment.name, reason: "its cells declare \(declared.count) different tournaments; "
                                         + "a tournament compares cells under one setting")
        }
        return declared.first ?? nil
    }

    /// Judges every pair of done cells on every prompt in both orders, rates them, and records judgments and
    /// ratings in the store (tournament id = the experiment's name); writes `runs/NAME/tournament.json`.
    public func tournament(_ spec: Tournament, judge: String? = nil, orderings: Int? = nil, seed: UInt64? = nil,
                           say: @escaping (String) -> Void) throws -> TournamentResult {
        let cells = try plan().filter { $0.status == .done }
        var answers: [String: [String: String]] = [:]
        var prompts: [String: TournamentPrompt] = [:]
        var runOf: [String: String] = [:]
        for cell in cells {
            guard let run = try store.runs(cell: cell.entry.cell).last(where: { $0.status == .succeeded }) else { continue }
            let directory = runsRoot + "/" + cell.entry.directory
            guard let list = try? TournamentAnswer.read(directory: directory) else {
                say("cell \(cell.entry.cell) has no tournament answers (run it again with the tournament declared); left out")
                continue
            }
            runOf[cell.entry.cell] = run.id
            var mine: [String: String] = [:]
            for a in list {
                mine[a.id] = a.answer
                prompts[a.id] = TournamentPrompt(id: a.id, prompt: a.prompt, reference: a.reference)
            }
            answers[cell.entry.cell] = mine
            // The untrained base, once per base (cells on the same base made the same answers).
            if spec.includeBase {
                guard let base = try BaseAnswersFile.read(directory: directory) else {
                    say("cell \(cell.entry.cell) has no answers of its base (run it again with includeBase declared); its base left out")
                    continue
                }
                if answers[base.base] == nil {
                    try store.recordReferenceCell(id: base.base, config: base.config)
                    var theirs: [String: String] = [:]
                    for a in base.answers {
                        theirs[a.id] = a.answer
                        if prompts[a.id] == nil { prompts[a.id] = TournamentPrompt(id: a.id, prompt: a.prompt, reference: a.reference) }
                    }
                    answers[base.base] = theirs
                }
            }
        }
        let contestants = answers.keys.sorted()
        guard contestants.count >= 2 else {
            throw RunnerError.cellFailed(cell: experiment.name, reason: "a tournament needs two finished cells with answers; found \(contestants.count)")
        }
        // Only prompts every contestant answered take part.
        let shared = prompts.keys.filter { id in contestants.allSatisfy { answers[$0]?[id] != nil } }.sorted { a, b in
            (Int(a.dropFirst()) ?? 0, a) < (Int(b.dropFirst()) ?? 0, b)
        }
        let settings = TournamentSettings(judge: judge ?? spec.judge.rawValue, orderings: orderings ?? spec.orderings,
                                          seed: seed ?? spec.seed, k: spec.kFactor, initial: spec.initialRating,
                                          bootstrapSamples: 1000, promptBootstrap: 1000)
        say("tournament: \(contestants.count) cells × \(shared.count) prompts, judge \(settings.judge), \(settings.orderings) orderings")
        let result = try TournamentRunner.run(contestants: contestants, prompts: shared.map { prompts[$0]! }, answers: answers,
                                              settings: settings)
        let tournamentID = experiment.name
        let records = result.judgments.map { j in
            JudgmentRecord(tournament: tournamentID, prompt: j.match.promptID, cellA: j.match.contestantA, runA: runOf[j.match.contestantA],
                           cellB: j.match.contestantB, runB: runOf[j.match.contestantB],
                           presentationOrder: j.match.order == .forward ? .ab : .ba,
                           winner: Self.storedWinner(j.outcome), judge: result.judge, rawOutput: j.rawOutput)
        }
        try store.recordJudgments(records)
        var ratings: [RatingRecord] = []
        for (cell, e) in result.elo {
            ratings.append(RatingRecord(tournament: tournamentID, cell: cell, method: "elo", rating: e.rating,
                                        lower: e.interval?.lower, upper: e.interval?.upper))
        }
        for (cell, e) in result.pairedElo ?? [:] {
            ratings.append(RatingRecord(tournament: tournamentID, cell: cell, method: "elo-paired", rating: e.rating,
                                        lower: e.interval?.lower, upper: e.interval?.upper))
        }
        for (cell, e) in result.bradleyTerry ?? [:] {
            ratings.append(RatingRecord(tournament: tournamentID, cell: cell, method: "bradley-terry", rating: e.rating,
                                        lower: e.interval?.lower, upper: e.interval?.upper))
        }
        try store.recordRatings(ratings)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(Array(try encoder.encode(result)), to: runsRoot + "/\(experiment.name)/tournament.json")
        return result
    }
}
