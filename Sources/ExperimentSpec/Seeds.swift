/// The seed as an axis: `Seeds(3)` runs every cell with seeds 0, 1 and 2.
public struct Seeds: GridComponent {
    /// The seeds, in order.
    public let seeds: [UInt64]

    /// Seeds 0 ..< count.
    public init(_ count: Int) { seeds = (0..<UInt64(max(count, 0))).map { $0 } }

    /// These seeds.
    public init(_ seeds: [UInt64]) { self.seeds = seeds }

    public func rows() throws -> [[Assignment]] {
        try Axis(\.seed, seeds, name: "seed").rows()
    }
}
