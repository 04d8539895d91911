import ArgumentParser
import Evaluation
import Foundation

/// `qlab elo`: ratings from a JSON Lines file of pairwise battles.
struct EloCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "elo",
        abstract: "Rate models from pairwise battles (JSON Lines: model_a, model_b, winner).",
        discussion: """
        Methods: `sequential` plays the battles once in file order (the Vicuna benchmark's Elo); `orderings` \
        averages sequential Elo over random orderings and gives 95% intervals (2.5th–97.5th percentiles over \
        the orderings), as the QLoRA paper does; `rounds` plays one pass over --rounds battles drawn at \
        random without repetition (Anima's tournament); `bt` fits Bradley–Terry by maximum likelihood, \
        centred on --initial, with 95% intervals from --bootstrap resamples of the battles.
        """
    )

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case sequential, orderings, rounds, bt
    }

    @Argument(help: "A JSON Lines file, one {\"model_a\", \"model_b\", \"winner\"} object per line.")
    var battles: String

    @Option(help: "sequential, orderings, rounds or bt.")
    var method: Method = .orderings

    @Option(name: .customLong("k"), help: "Elo's K: the largest change one battle makes.")
    var k: Double = 32

    @Option(help: "The starting Elo rating; for bt, the mean rating.")
    var initial: Double = 1000

    @Option(help: "Random orderings to average over (orderings).")
    var orderings: Int = 10_000

    @Option(help: "Battles drawn for the single pass (rounds).")
    var rounds: Int = 300

    @Option(help: "Seed for orderings, rounds and bootstrap resamples.")
    var seed: UInt64 = 42

    @Option(help: "Bootstrap resamples for bt intervals; 0 for none.")
    var bootstrap: Int = 1000

    @Flag(help: "Print JSON: {\"ratings\": {model: rating}, \"intervals\": {model: [lower, upper]}, ...}.")
    var json = false

    func validate() throws {
        guard orderings > 0 else { throw ValidationError("--orderings must be positive") }
        guard rounds > 0 else { throw ValidationError("--rounds must be positive") }
        guard bootstrap >= 0 else { throw ValidationError("--bootstrap must be zero or positive") }
        guard k.isFinite, k > 0 else { throw ValidationError("--k must be positive") }
        guard initial.isFinite else { throw ValidationError("--initial must be finite") }
    }

    func run() throws {
        let list = try BattleFile.read(path: battles)
        guard !list.isEmpty else { throw ValidationError("\(battles): no battles in the file (one JSON object a line: model_a, model_b, winner)") }
        if method == .orderings {
            // Every model's rating after every ordering is kept to read percentiles off, then copied once to sort.
            let models = Set(list.flatMap { [$0.modelA, $0.modelB] }).count
            try MemoryEstimate.require(Double(orderings) * Double(models + 2) * 8,
                                       for: "--orderings \(orderings) over \(models) models")
        }
        let parameters = EloParameters(k: k, initial: initial)
        var estimates: [String: RatingEstimate] = [:]
        var note: String?
        switch method {
        case .sequential:
            estimates = try SequentialElo(parameters: parameters).ratings(list).mapValues { RatingEstimate(rating: $0) }
        case .orderings:
            estimates = try RandomOrderingElo(parameters: parameters, orderings: orderings, seed: seed).ratings(list)
        case .rounds:
            estimates = try RandomRoundsElo(parameters: parameters, rounds: rounds, seed: seed).ratings(list)
                .mapValues { RatingEstimate(rating: $0) }
        case .bt:
            let model = BradleyTerry(centre: initial)
            let fit = try model.fit(list)
            if fit.regularized {
                note = "no finite maximum-likelihood ratings exist (a group of models never loses to, or never meets, "
                    + "the rest); each model was given \(model.fallbackTies.formatted()) virtual tie against a phantom opponent at the centre"
            }
            estimates = bootstrap > 0
                ? try model.bootstrap(list, samples: bootstrap, seed: seed)
                : fit.ratings.mapValues { RatingEstimate(rating: $0) }
        }
        let records = BattleRecord.tally(list)
        let ranked = estimates.keys.sorted { (estimates[$0]!.rating, $1) > (estimates[$1]!.rating, $0) }
        if json {
            print(try jsonReport(estimates, records: records, battleCount: list.count, note: note))
        } else {
            print(table(ranked, estimates, records))
            if let note { print("\nnote: \(note)") }
        }
    }

    private var settings: [String: Any] {
        switch method {
        case .sequential: ["k": k, "initial": initial]
        case .orderings: ["k": k, "initial": initial, "orderings": orderings, "seed": seed, "interval": "2.5-97.5 percentile over orderings"]
        case .rounds: ["k": k, "initial": initial, "rounds": rounds, "seed": seed]
        case .bt: bootstrap > 0
            ? ["centre": initial, "bootstrap": bootstrap, "seed": seed, "interval": "2.5-97.5 percentile over bootstrap resamples"]
            : ["centre": initial]
        }
    }

    private func jsonReport(
        _ estimates: [String: RatingEstimate], records: [String: BattleRecord], battleCount: Int, note: String?
    ) throws -> String {
        var object: [String: Any] = [
            "method": method.rawValue,
            "ratings": estimates.mapValues(\.rating),
            "battles": battleCount,
            "records": records.mapValues { ["wins": $0.wins, "ties": $0.ties, "losses": $0.losses] },
            "settings": settings,
        ]
        let intervals = estimates.compactMapValues { $0.interval.map { [$0.lower, $0.upper] } }
        if !intervals.isEmpty { object["intervals"] = intervals }
        if let note { object["note"] = note }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    private func table(_ ranked: [String], _ estimates: [String: RatingEstimate], _ records: [String: BattleRecord]) -> String {
        let hasIntervals = estimates.values.contains { $0.interval != nil }
        var rows = [["rank", "model", "rating"] + (hasIntervals ? ["95% interval"] : []) + ["battles", "W", "T", "L"]]
        for (index, name) in ranked.enumerated() {
            let estimate = estimates[name]!
            let record = records[name] ?? BattleRecord()
            var row = ["\(index + 1)", name, String(format: "%.1f", estimate.rating)]
            if hasIntervals {
                row.append(estimate.interval.map { String(format: "%.1f – %.1f", $0.lower, $0.upper) } ?? "")
            }
            row += ["\(record.battles)", "\(record.wins)", "\(record.ties)", "\(record.losses)"]
            rows.append(row)
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max()! }
        // The model name reads best flush left; numbers line up on the right.
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 1 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
