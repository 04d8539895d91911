import Tensors

extension SeededGenerator {
    /// A uniform integer in `0..<bound` (bound > 0).
    ///
    /// Written out rather than using `Int.random(in:using:)`, whose algorithm the standard library may change:
    /// a seed must keep naming the same orderings across toolchains. Lemire's multiply-and-reject, no bias.
    @inlinable
    mutating func index(below bound: Int) -> Int {
        let n = UInt64(bound)
        var product = next().multipliedFullWidth(by: n)
        if product.low < n {
            let threshold = (0 &- n) % n
            while product.low < threshold {
                product = next().multipliedFullWidth(by: n)
            }
        }
        return Int(product.high)
    }

    /// Shuffles `values` in place (Fisher–Yates, from the back).
    @inlinable
    mutating func shuffle(_ values: inout [Int]) {
        var i = values.count - 1
        while i > 0 {
            let j = index(below: i + 1)
            values.swapAt(i, j)
            i -= 1
        }
    }
}
