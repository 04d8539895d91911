import Support
import ArgumentParser
import Evaluation
import ExperimentSpec
import Foundation
import Lineage
import Runner

/// `qlab tournament NAME`: pairwise judgments between an experiment's finished cells, rated with Elo.
struct TournamentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tournament",
        abstract: "Judge every pair of an experiment's finished cells on the tournament prompts (both orders) and rate them.",
        discussion: """
            The cells' answers come from their runs (the spec must declare the tournament so that cells answer its \
            prompts). Judges: reference (built in), command:PROG [ARGS] (JSON on stdin, A|B|tie on stdout), \
            human:FILE (CSV or JSONL judgments). Judgments and ratings go into the store.
            """
    )

    @Argument(help: "The experiment.") var name: String
    @Option(help: "Judge: reference, command:PROG [ARGS] or human:FILE (default: the spec's).") var judge: String?
    @Option(help: "Random orderings the Elo ratings are averaged over (default: the spec's).") var orderings: Int?
    @Option(help: "Seed of the orderings.") var seed: UInt64?
    @OptionGroup var store: StoreOptions

    func run() throws {
        let experiment = try experimentNamed(name)
        try store.requireProject(toCreate: "tournament")
        // Between the cells of the grid last planned: with the overrides recorded by --set/--axis, if any.
        let overrides = try OverrideRecord(runs: store.runs, experiment: name).read() ?? .none
        let runner = try GridRunner(experiment: experiment, runsRoot: store.runs, overrides: overrides)
        guard let spec = try runner.declaredTournament() else {
            throw ValidationError("\(name) declares no tournament (add Tournament(judge: .reference) to its Evaluate block)")
        }
        let result = try runner.tournament(spec, judge: judge, orderings: orderings, seed: seed) { line in
            StandardError.write(Data((line + "\n").utf8))
        }
        TournamentCommand.printResult(result)
    }

    /// The result as `qlab run --json` includes it: the ranking with ratings and records.
    static func json(_ result: TournamentResult) -> JSONValue {
        .object([
            "judge": .string(result.judge), "judgments": .integer(Int64(result.judgments.count)), "failed": .integer(Int64(result.failedCount)),
            "ranking": .array(result.ranking.map { cell -> JSONValue in
                let e = result.elo[cell], r = result.records[cell]
                return .object(["cell": .string(cell), "elo": e.map { .number($0.rating) } ?? .null,
                                "wins": JSONOutput.integer(r?.wins), "ties": JSONOutput.integer(r?.ties), "losses": JSONOutput.integer(r?.losses)])
            }),
        ])
    }

    static func printResult(_ result: TournamentResult) {
        let rows = result.ranking.enumerated().map { i, cell -> [String] in
            let e = result.elo[cell]
            let interval = e?.interval.map { String(format: "%.0f–%.0f", $0.lower, $0.upper) } ?? "-"
            let r = result.records[cell]
            return [String(i + 1), cell, e.map { String(format: "%.1f", $0.rating) } ?? "-", interval,
                    r.map { "\($0.wins)/\($0.ties)/\($0.losses)" } ?? "-"]
        }
        print(TextTable.render(header: ["rank", "cell", "Elo", "95% interval", "W/T/L"], rows: rows, rightAligned: [0, 2]))
        print("\(result.judgments.count) judgments by \(result.judge), \(result.failedCount) failed (not rated)")
    }
}
