import Foundation
import GRDB

/// One experiment: a named grid declared in `Experiments/`.
public struct ExperimentRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "experiments"

    /// The experiment's name, e.g. `learning-rate`.
    public var name: String
    /// What the experiment asks.
    public var description: String
    /// Hash of the expanded spec, so a changed grid can be told from an unchanged one.
    public var specHash: String?
    /// When the experiment was first recorded.
    public var created: Date

    /// A record; `created` defaults to now.
    public init(name: String, description: String, specHash: String?, created: Date = Date()) {
        self.name = name
        self.description = description
        self.specHash = specHash
        self.created = created
    }

    enum CodingKeys: String, CodingKey {
        case name, description, specHash = "spec_hash", created
    }
}
