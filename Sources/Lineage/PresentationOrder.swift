/// Which answer the judge saw first: judges favour a position, so tournaments show both orders.
public enum PresentationOrder: String, Codable, Sendable, CaseIterable {
    case ab
    case ba
}
