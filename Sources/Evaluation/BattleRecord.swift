/// How many battles a model played, and how they ended for it.
public struct BattleRecord: Sendable, Hashable, Codable {
    /// Battles won.
    public var wins = 0
    /// Battles tied.
    public var ties = 0
    /// Battles lost.
    public var losses = 0

    /// An empty record.
    public init() {}

    /// All battles played.
    public var battles: Int { wins + ties + losses }

    /// Every model's record over `battles`.
    public static func tally(_ battles: [Battle]) -> [String: BattleRecord] {
        var records: [String: BattleRecord] = [:]
        for battle in battles {
            switch battle.winner {
            case .modelA:
                records[battle.modelA, default: BattleRecord()].wins += 1
                records[battle.modelB, default: BattleRecord()].losses += 1
            case .modelB:
                records[battle.modelA, default: BattleRecord()].losses += 1
                records[battle.modelB, default: BattleRecord()].wins += 1
            case .tie:
                records[battle.modelA, default: BattleRecord()].ties += 1
                records[battle.modelB, default: BattleRecord()].ties += 1
            }
        }
        return records
    }
}
