import Foundation
import Testing
@testable import Evaluation

struct TournamentTests {
    let contestants = ["cell-c", "cell-a", "cell-d", "cell-b"]
    let prompts = (1...3).map { TournamentPrompt(id: "p\($0)", prompt: "\($0)+\($0)=", reference: String(2 * $0)) }

    func answers(_ answer: (String, TournamentPrompt) -> String = { _, _ in "?" }) -> [String: [String: String]] {
        Dictionary(uniqueKeysWithValues: contestants.map { c in (c, Dictionary(uniqueKeysWithValues: prompts.map { ($0.id, answer(c, $0)) })) })
    }

    func settings(_ judge: String = "reference", orderings: Int = 1000, seed: UInt64 = 42) -> TournamentSettings {
        TournamentSettings(judge: judge, orderings: orderings, seed: seed)
    }

    @Test func defaultsAreThePapers() {
        let defaults = TournamentSettings()
        #expect(defaults.judge == "reference")
        #expect(defaults.orderings == 10_000)
        #expect(defaults.eloParameters == EloParameters(k: 32, initial: 1000, base: 10, scale: 400))
        #expect(defaults.seed == 42)
        #expect(defaults.rounds == nil && defaults.bootstrapSamples == nil)
        #expect(defaults.concurrency == 1 && defaults.judgeTimeout == 30)
        #expect(throws: TournamentError.self) { try TournamentSettings(judgeTimeout: 1e30).validate() }
        #expect(throws: TournamentError.self) { try TournamentSettings(k: 0).validate() }
    }

    @Test func everyPairOnEveryPromptInBothOrders() throws {
        let matches = try TournamentRunner.schedule(contestants: contestants, prompts: prompts)
        #expect(matches.count == 4 * 3 * 3)
        #expect(Set(matches).count == matches.count)
        for prompt in prompts {
            for a in contestants {
                for b in contestants where a != b {
                    let found = matches.filter { $0.promptID == prompt.id && $0.contestantA == a && $0.contestantB == b }
                    #expect(found.count == 1)
                    #expect(found.first?.order == (a < b ? .forward : .reverse))
                }
            }
        }
        // The two presentations of a pair are adjacent, forward first.
        #expect(matches[0] == TournamentMatch(promptID: "p1", contestantA: "cell-a", contestantB: "cell-b", order: .forward))
        #expect(matches[1] == TournamentMatch(promptID: "p1", contestantA: "cell-b", contestantB: "cell-a", order: .reverse))
    }

    @Test func badInputIsRefused() {
        #expect(throws: TournamentError.invalidInput("a tournament needs at least two contestants, not 1")) {
            try TournamentRunner.schedule(contestants: ["x"], prompts: prompts)
        }
        #expect(throws: TournamentError.invalidInput("contestant \"x\" is listed twice")) {
            try TournamentRunner.schedule(contestants: ["x", "y", "x"], prompts: prompts)
        }
        #expect(throws: TournamentError.invalidInput("prompt \"p1\" appears twice in the prompt set")) {
            try TournamentRunner.schedule(contestants: ["x", "y"], prompts: prompts + [prompts[0]])
        }
        var partial = answers()
        partial["cell-b"]!["p2"] = nil
        #expect(throws: TournamentError.invalidInput("contestant \"cell-b\" has no answer to prompt \"p2\"")) {
            try TournamentRunner.run(contestants: contestants, prompts: prompts, answers: partial, settings: settings())
        }
        #expect(throws: TournamentError.judge(.invalidSpec(spec: "oracle", reason:
            "unknown judge \"oracle\"; expected reference, command:PROG [ARGS] or human:FILE"))) {
            try TournamentRunner.run(contestants: contestants, prompts: prompts, answers: answers(), settings: settings("oracle"))
        }
        #expect(throws: TournamentError.invalidSetting("orderings must be positive, not 0")) {
            try TournamentRunner.run(contestants: contestants, prompts: prompts, answers: answers(), settings: settings(orderings: 0))
        }
    }

    @Test func positionBiasCancels() throws {
        var settings = settings(orderings: 2000)
        settings.bootstrapSamples = 50
        let result = try TournamentRunner.run(contestants: contestants, prompts: prompts, answers: answers(),
                                              judge: FirstPositionJudge(), settings: settings)
        #expect(result.firstPositionScore == 1)
        // Each contestant wins exactly the half of its battles where it is shown first.
        for c in contestants {
            #expect(result.records[c] == { var r = BattleRecord(); r.wins = 9; r.losses = 9; return r }())
            for o in contestants where o != c { #expect(result.winRates[c]?[o] == 0.5) }
            #expect(abs(result.bradleyTerry![c]!.rating - 1000) < 1e-6)
            // The mean over random orderings is equal up to the noise of 2000 orderings (about 0.3 points here).
            #expect(abs(result.elo[c]!.rating - 1000) < 2)
            #expect(result.elo[c]!.interval!.contains(1000))
        }
    }

    @Test func favouriteRanksFirst() throws {
        var settings = settings()
        settings.bootstrapSamples = 50
        settings.rounds = 20
        let result = try TournamentRunner.run(contestants: contestants, prompts: prompts, answers: answers(),
                                              judge: FavouriteJudge(favourite: "cell-c"), settings: settings)
        #expect(result.ranking.first == "cell-c")
        #expect(result.elo["cell-c"]!.rating > result.elo.filter { $0.key != "cell-c" }.map(\.value.rating).max()! + 50)
        let bt = try #require(result.bradleyTerry)
        #expect(bt.max { $0.value.rating < $1.value.rating }?.key == "cell-c")
        #expect(result.winRates["cell-c"]?.values.allSatisfy { $0 == 1 } == true)
        #expect(result.rounds?.count == 4)
        #expect(result.failedCount == 0)
    }

    @Test func referenceJudgeRanksByCorrectness() throws {
        // cell-a answers right, cell-b right but untidily, cell-c one digit off, cell-d with words.
        let answers = answers { contestant, prompt in
            switch contestant {
            case "cell-a": prompt.reference!
            case "cell-b": " \(prompt.reference!).0。"
            case "cell-c": prompt.reference! + "1"
            default: "no idea"
            }
        }
        let result = try TournamentRunner.run(contestants: contestants, prompts: prompts, answers: answers, settings: settings())
        #expect(result.judge == "reference")
        #expect(result.judgments.count == 36)
        #expect(result.records["cell-a"]?.ties == 6)   // against cell-b, on 3 prompts in 2 orders
        #expect(Array(result.ranking.suffix(2)) == ["cell-c", "cell-d"])
        #expect(Set(result.ranking.prefix(2)) == ["cell-a", "cell-b"])
        #expect(result.judgments[0].rawOutput.hasPrefix("exact a=yes b=yes"))
    }

    @Test func seededResultsReproduce() throws {
        var settings = settings(orderings: 300)
        settings.bootstrapSamples = 30
        settings.rounds = 10
        let judge = FavouriteJudge(favourite: "cell-b")
        let first = try TournamentRunner.run(contestants: contestants, prompts: prompts, answers: answers(), judge: judge, settings: settings)
        let again = try TournamentRunner.run(contestants: contestants.reversed(), prompts: prompts, answers: answers(), judge: judge, settings: settings)
        #expect(first == again)
        settings.seed = 7
        let other = try TournamentRunner.run(contestants: contestants, prompts: prompts, answers: answers(), judge: judge, settings: settings)
        #expect(other.elo != first.elo)
        #expect(other.judgments == first.judgments)
    }

    @Test func failedJudgmentsAreCountedAndLeftOut() throws {
        let scratch = try JudgeScratch()
        defer { scratch.remove() }
        // Fails on prompt p2 (exit 3) and p3 (garbage); prefers the first answer on p1.
        let script = try scratch.script("judge.sh", """
            input=$(cat)
            case "$input" in
              *'"2+2="'*) exit 3 ;;
              *'"3+3="'*) echo "A is better" ;;
              *) echo A ;;
            esac
            """)
        var settings = settings("command:\(script)", orderings: 100)
        settings.concurrency = 3
        let seen = Counter()
        let result = try TournamentRunner.run(contestants: contestants, prompts: prompts, answers: answers(), settings: settings) { _ in
            seen.increment()
        }
        #expect(seen.value == 36)
        #expect(result.judgments.count == 36)
        #expect(result.failedCount == 24)
        #expect(result.battles.count == 12)
        #expect(result.battles.allSatisfy { $0.winner == .modelA })
        let reasons = Set(result.failedJudgments.map { $0.outcome.failureReason! })
        #expect(reasons == ["exited with status 3", "printed 12 bytes (\"a is better\"), not A, B or tie"])
        #expect(result.failedJudgments.allSatisfy { $0.match.promptID != "p1" })
        #expect(result.records.values.map(\.battles).reduce(0, +) == 24)
        #expect(result.records.values.allSatisfy { $0.ties == 0 })
        // Schedule order survives concurrent judging.
        #expect(result.judgments.map(\.match) == (try TournamentRunner.schedule(contestants: contestants, prompts: prompts)))
    }

    @Test func allFailedLeavesEveryoneUnrated() throws {
        let scratch = try JudgeScratch()
        defer { scratch.remove() }
        let script = try scratch.script("judge.sh", "cat >/dev/null; echo maybe")
        let result = try TournamentRunner.run(contestants: contestants, prompts: prompts, answers: answers(),
                                              settings: settings("command:\(script)", orderings: 10))
        #expect(result.failedCount == 36)
        #expect(result.elo.isEmpty)
        #expect(result.unrated == contestants.sorted())
        #expect(result.firstPositionScore == nil)
    }

    @Test func humanJudgmentsInOneOrderOnly() throws {
        let scratch = try JudgeScratch()
        defer { scratch.remove() }
        var lines = ["prompt_id,model_a,model_b,winner"]
        for match in try TournamentRunner.schedule(contestants: contestants, prompts: prompts) where match.order == .forward {
            lines.append("\(match.promptID),\(match.contestantA),\(match.contestantB),\(match.contestantA == "cell-d" ? "a" : match.contestantB == "cell-d" ? "b" : "tie")")
        }
        let file = try scratch.file("ratings.csv", lines.joined(separator: "\n"))
        let result = try TournamentRunner.run(contestants: contestants, prompts: prompts, answers: answers(),
                                              settings: settings("human:\(file)", orderings: 200))
        #expect(result.failedCount == 18)
        #expect(result.failedJudgments.allSatisfy { $0.match.order == .reverse })
        #expect(result.ranking.first == "cell-d")
    }

    @Test func tooManyRoundsIsARatingError() throws {
        var settings = settings(orderings: 10)
        settings.rounds = 37
        #expect(throws: TournamentError.rating(.notEnoughBattles("37 distinct rounds cannot be drawn from 36 battles"))) {
            try TournamentRunner.run(contestants: contestants, prompts: prompts, answers: answers(),
                                     judge: FirstPositionJudge(), settings: settings)
        }
    }

    @Test func resultRoundTripsThroughJSON() throws {
        var settings = settings(orderings: 50)
        settings.bootstrapSamples = 10
        let judgments = try TournamentRunner.judge(contestants: contestants, prompts: prompts, answers: answers(),
                                                   judge: FavouriteJudge(favourite: "cell-a"))
        var mixed = judgments
        mixed[3].outcome = .failed(reason: "timed out after 30 s and was killed")
        let result = try TournamentRunner.rate(mixed, contestants: contestants, promptCount: prompts.count,
                                               judge: "test", settings: settings)
        let data = try JSONEncoder().encode(result)
        #expect(try JSONDecoder().decode(TournamentResult.self, from: data) == result)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""result":"failed","reason":"timed out after 30 s and was killed""#)
            || text.contains(#""reason":"timed out after 30 s and was killed","result":"failed""#))
    }
}

/// A thread-safe count, for callbacks made from the judging threads.
final class Counter: @unchecked Sendable {
    // `count` is only touched under `lock`.
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
