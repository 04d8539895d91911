import ArgumentParser
import Evaluation
import Foundation

/// `qlab judges`: how far judges agree.
struct JudgesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "judges",
        abstract: "Compare judges' verdicts on the same battles.",
        subcommands: [Agree.self]
    )

    /// `qlab judges agree A B [C…]`: raw agreement and kappa over the battles every file judged.
    struct Agree: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "agree",
            abstract: "Raw agreement and Cohen's kappa (two judges) or Fleiss' kappa (more) of judges' verdicts on the same battles.",
            discussion: """
            Each file holds one judge's verdicts as JSON lines {"question_id" (or "prompt_id"), "model_a", "model_b", \
            "winner": "model_a"|"model_b"|"tie"} (and "turn" when there is one): a battle is the prompt with the two \
            models in the order they were shown, so a swapped presentation is another battle. Only the battles every \
            file judged are compared; the verdicts are three categories (first shown wins, second wins, tie). Kappa \
            corrects the agreement for the agreement the judges' own frequencies of each verdict give by chance: \
            1 is full agreement, 0 no more than chance. With more than two judges, Cohen's kappa of every pair \
            follows Fleiss'.
            """
        )

        @Argument(help: "Two or more judgment files (JSON lines).") var files: [String]
        @Flag(help: "Print the result as one JSON object.") var json = false

        func validate() throws {
            guard files.count >= 2 else { throw ValidationError("give at least two judgment files") }
        }

        func run() throws {
            let judged = try files.map { try JudgedBattleFile.read(path: $0) }
            let maps = judged.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.key, JudgedBattleFile.category($0.battle.winner)) }) }
            // Battles in the first file's order that every file judged.
            let shared = judged[0].map(\.key).filter { key in maps.allSatisfy { $0[key] != nil } }
            var pairs: [[String: Any]] = []
            var lines: [String] = []
            for i in files.indices {
                for j in files.indices where j > i {
                    let common = judged[i].map(\.key).filter { maps[j][$0] != nil }
                    let m = try JudgeAgreement.cohen(common.map { maps[i][$0]! }, common.map { maps[j][$0]! }, categories: 3)
                    pairs.append(["a": files[i], "b": files[j], "battles": m.items, "agreement": m.observed, "chance": m.expected,
                                  "cohen_kappa": m.kappa.isNaN ? NSNull() : m.kappa])
                    lines.append(String(format: "%@ vs %@: %d battles, agreement %.3f (chance %.3f), Cohen's kappa %@",
                                        files[i], files[j], m.items, m.observed, m.expected, Self.text(m.kappa)))
                }
            }
            var report: [String: Any] = ["files": files, "battles_in_every_file": shared.count, "pairs": pairs]
            if files.count > 2 {
                let m = try JudgeAgreement.fleiss(shared.map { key in maps.map { $0[key]! } }, categories: 3)
                report["fleiss"] = ["battles": m.items, "agreement": m.observed, "chance": m.expected, "kappa": m.kappa.isNaN ? NSNull() : m.kappa] as [String: Any]
                lines.insert(String(format: "%d judges on %d battles: agreement %.3f (chance %.3f), Fleiss' kappa %@",
                                    files.count, m.items, m.observed, m.expected, Self.text(m.kappa)), at: 0)
            }
            if json {
                print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self))
            } else {
                lines.forEach { print($0) }
            }
        }

        static func text(_ kappa: Double) -> String {
            kappa.isNaN ? "undefined (every verdict the same)" : String(format: "%.3f", kappa)
        }
    }
}
