import Foundation
import Testing
@testable import Tensors

/// The eight-wide exponential and the kernels built on it, held to float64.
struct VectorExpTests {
    /// Units in the last place between `value` and the float64 `exact`, in the spacing of floats at `exact`.
    static func ulps(_ value: Float, _ exact: Double) -> Double {
        abs(Double(value) - exact) / Double(Float(exact).ulp)
    }

    @Test func withinTwoUnitsInTheLastPlaceOverTheWholeRange() {
        var worst = 0.0, worstAt: Float = 0
        var rng = SeededGenerator(seed: 11)
        var xs: [Float] = stride(from: Float(-87.33), through: 88.37, by: 0.000_731).map { $0 }
        xs += (0..<200_000).map { _ in Float.random(in: -87.33...88.37, using: &rng) }
        xs += (0..<100_000).map { _ in Float.random(in: -1...1, using: &rng) }
        var i = 0
        while i < xs.count {
            let m = min(8, xs.count - i)
            let e = VectorExp.exp(VectorExp.load(xs.withUnsafeBufferPointer { $0.baseAddress! } + i, count: m))
            for lane in 0..<m {
                let error = Self.ulps(e[lane], Foundation.exp(Double(xs[i + lane])))
                if error > worst { worst = error; worstAt = xs[i + lane] }
            }
            i += 8
        }
        #expect(worst <= 2, "worst \(worst) ulp at x = \(worstAt)")
    }

    @Test func edgesOfTheRange() {
        let special = SIMD8<Float>(-.infinity, -1000, -87.34, 0, 88.38, .infinity, .nan, 1)
        let e = VectorExp.exp(special)
        #expect(e[0] == 0 && e[1] == 0 && e[2] == 0, "below the normal floats: 0, got \(e)")
        #expect(e[3] == 1)
        #expect(e[4] == .infinity && e[5] == .infinity)
        #expect(e[6].isNaN)
        #expect(Self.ulps(e[7], M_E) <= 2)
        #expect(VectorExp.exp(Float(-87.33)) > 0 && VectorExp.exp(Float(-87.33)).isNormal)
        #expect(VectorExp.exp(Float(88.37)).isFinite)
    }

    /// A lane's result depends on its value only: a vector padded at the end and one element at a time agree.
    @Test func sameBitsInEveryLane() {
        var rng = SeededGenerator(seed: 12)
        let xs = (0..<8).map { _ in Float.random(in: -30...30, using: &rng) }
        let vector = VectorExp.exp(SIMD8(xs))
        for (lane, x) in xs.enumerated() {
            #expect(vector[lane].bitPattern == VectorExp.exp(x).bitPattern)
        }
    }

    @Test func softmaxMatchesFloat64WithMaskedEntriesExactlyZero() {
        var rng = SeededGenerator(seed: 13)
        for count in [1, 7, 8, 9, 31, 257] {
            var row = (0..<count).map { _ in Float.random(in: -20...20, using: &rng) }
            if count > 2 { row[1] = -.infinity }
            let exact: [Double] = {
                let m = row.map(Double.init).max()!
                let e = row.map { Foundation.exp(Double($0) - m) }
                let s = e.reduce(0, +)
                return e.map { $0 / s }
            }()
            row.withUnsafeMutableBufferPointer { Kernels.softmax($0.baseAddress!, count: count) }
            for j in 0..<count {
                #expect(abs(Double(row[j]) - exact[j]) <= 1e-6 * max(exact[j], 1e-30) + 1e-12, "count \(count), entry \(j): \(row[j]) vs \(exact[j])")
            }
            if count > 2 { #expect(row[1] == 0) }
        }
    }

    @Test func swigluAndItsBackwardMatchFloat64AndDoNotDependOnTheSplit() {
        var rng = SeededGenerator(seed: 14)
        let count = 1_003
        let gate = (0..<count).map { _ in Float.random(in: -12...12, using: &rng) }
        let up = (0..<count).map { _ in Float.random(in: -3...3, using: &rng) }
        let dOut = (0..<count).map { _ in Float.random(in: -2...2, using: &rng) }
        var out = [Float](repeating: 0, count: count), dGate = out, dUp = out
        gate.withUnsafeBufferPointer { g in up.withUnsafeBufferPointer { u in dOut.withUnsafeBufferPointer { d in
            out.withUnsafeMutableBufferPointer { Kernels.swiglu(count: count, gate: g.baseAddress!, up: u.baseAddress!, out: $0.baseAddress!) }
            dGate.withUnsafeMutableBufferPointer { dg in dUp.withUnsafeMutableBufferPointer { du in
                Kernels.swigluBackward(count: count, gate: g.baseAddress!, up: u.baseAddress!, dOut: d.baseAddress!,
                                       dGate: dg.baseAddress!, dUp: du.baseAddress!)
            } }
        } } }
        for i in 0..<count {
            let g = Double(gate[i]), s = 1 / (1 + Foundation.exp(-g))
            let exactOut = g * s * Double(up[i])
            let exactDUp = Double(dOut[i]) * g * s
            let exactDGate = Double(dOut[i]) * Double(up[i]) * s * (1 + g * (1 - s))
            #expect(abs(Double(out[i]) - exactOut) <= 1e-6 * abs(exactOut) + 1e-30, "out[\(i)]")
            #expect(abs(Double(dUp[i]) - exactDUp) <= 1e-6 * abs(exactDUp) + 1e-30, "dUp[\(i)]")
            #expect(abs(Double(dGate[i]) - exactDGate) <= 1e-5 * abs(exactDGate) + 1e-6, "dGate[\(i)]")
        }
        // One element at a time (each padded into a vector of its own) gives the same bits.
        for i in stride(from: 0, to: count, by: 97) {
            var single: Float = 0, sg: Float = 0, su: Float = 0
            gate.withUnsafeBufferPointer { g in up.withUnsafeBufferPointer { u in dOut.withUnsafeBufferPointer { d in
                Kernels.swiglu(count: 1, gate: g.baseAddress! + i, up: u.baseAddress! + i, out: &single)
                Kernels.swigluBackward(count: 1, gate: g.baseAddress! + i, up: u.baseAddress! + i, dOut: d.baseAddress! + i, dGate: &sg, dUp: &su)
            } } }
            #expect(single.bitPattern == out[i].bitPattern && sg.bitPattern == dGate[i].bitPattern && su.bitPattern == dUp[i].bitPattern)
        }
    }
}
