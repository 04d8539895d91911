import Foundation
import GRDB

/// One grid cell: a fully resolved configuration, identified by its hash.
public struct CellRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "cells"

    /// The cell hash (canonical config and input file hashes).
    public var id: String
    /// The canonical configuration as JSON text.
    public var config: String
    /// When the cell was first recorded.
    public var created: Date

    /// A record; `created` defaults to now.
    public init(id: String, config: String, created: Date = Date()) {
        self.id = id
        self.config = config
        self.created = created
    }
}
