import Foundation
import Testing
import Models
import Tensors
@testable import Training

/// The attention backward pass with Gemma 3's settings — a query scale that is not 1/√head and a sliding window
/// shorter than the sequence, with padding — against central finite differences of a float64 attention.
@Suite("Attention backward: sliding window and query scale against float64")
struct AttentionBackwardWindowTests {
    static let batch = 2, sequence = 9, heads = 2, kvHeads = 1, headDim = 4, window = 3
    static let scale = 0.37

    /// Σ dOut ⊙ attention(q, k, v) in float64: the function whose gradient the backward pass computes.
    static func objective(q: [Double], k: [Double], v: [Double], dOut: [Double], mask: [Int32], window: Int?) -> Double {
        let qW = heads * headDim, kvW = kvHeads * headDim
        var total = 0.0
        for b in 0..<batch {
            for h in 0..<heads {
                let kvh = h / (heads / kvHeads)
                for i in 0..<sequence {
                    let visible = (0...i).filter { mask[b * sequence + $0] != 0 && (window == nil || $0 > i - window!) }
                    guard !visible.isEmpty else { continue }
                    let scores = visible.map { j in
                        (0..<headDim).reduce(0.0) { $0 + q[(b * sequence + i) * qW + h * headDim + $1] * k[(b * sequence + j) * kvW + kvh * headDim + $1] } * scale
                    }
                    let m = scores.max()!
                    let e = scores.map { exp($0 - m) }
                    let sum = e.reduce(0, +)
                    for d in 0..<headDim {
                        let out = zip(visible, e).reduce(0.0) { $0 + $1.1 / sum * v[(b * sequence + $1.0) * kvW + kvh * headDim + d] }
                        total += out * dOut[(b * sequence + i) * qW + h * headDim + d]
                    }
                }
            }
        }
        return total
    }

    @Test func gradientsOfQueriesKeysAndValuesMatchFiniteDifferences() {
        let qW = Self.heads * Self.headDim, kvW = Self.kvHeads * Self.headDim
        let rows = Self.batch * Self.sequence
        var rng = SeededGenerator(seed: 5)
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(rng.nextNormal()) } }
        let q = random(rows * qW), k = random(rows * kvW), v = random(rows * kvW), dOut = random(rows * qW)
        // The second sequence ends in two padding positions.
        var mask = [Int32](repeating: 1, count: rows)
        mask[rows - 1] = 0
        mask[rows - 2] = 0
        var dq = [Float](repeating: 0, count: rows * qW), dk = [Float](repeating: 0, count: rows * kvW), dv = dk
        var p = [Float](repeating: 0, count: Self.sequence * Self.sequence), dp = p
        AttentionBackward.run(batch: Self.batch, sequence: Self.sequence, heads: Self.heads, kvHeads: Self.kvHeads, headDim: Self.headDim,
                              q: q, k: k, v: v, keyMask: mask, dOut: dOut, dq: &dq, dk: &dk, dv: &dv, p: &p, dp: &dp,
                              scale: Float(Self.scale), window: Self.window)
        let qd = q.map(Double.init), kd = k.map(Double.init), vd = v.map(Double.init), dOutD = dOut.map(Double.init)
        let h = 1e-5
        func check(_ name: String, _ values: [Double], _ gradient: [Float], _ f: ([Double]) -> Double) {
            var difference = 0.0, norm = 0.0
            for i in values.indices {
                var plus = values, minus = values
                plus[i] += h
                minus[i] -= h
                let numeric = (f(plus) - f(minus)) / (2 * h)
                difference += (Double(gradient[i]) - numeric) * (Double(gradient[i]) - numeric)
                norm += numeric * numeric
            }
            #expect(norm > 0)
            #expect((difference / norm).squareRoot() < 1e-4, "\(name): relative error \((difference / norm).squareRoot())")
        }
        check("dq", qd, dq) { Self.objective(q: $0, k: kd, v: vd, dOut: dOutD, mask: mask, window: Self.window) }
        check("dk", kd, dk) { Self.objective(q: qd, k: $0, v: vd, dOut: dOutD, mask: mask, window: Self.window) }
        check("dv", vd, dv) { Self.objective(q: qd, k: kd, v: $0, dOut: dOutD, mask: mask, window: Self.window) }
        // The window changes the function (the comparison above would not notice a backward pass without it otherwise).
        let windowed = Self.objective(q: qd, k: kd, v: vd, dOut: dOutD, mask: mask, window: Self.window)
        let full = Self.objective(q: qd, k: kd, v: vd, dOut: dOutD, mask: mask, window: nil)
        #expect(abs(windowed - full) > 1e-3)
    }
}
