import Testing
import Tensors
@testable import Quantization

/// The product straight from the packed codes against float64 over the dequantized weight.
struct MatVecTests {
    @Test(arguments: [QuantizationType.nf4, .fp4, .int4], [false, true])
    func matvecEqualsFloat64OverTheDequantizedWeight(type: QuantizationType, doubleQuant: Bool) throws {
        var rng = SeededGenerator(seed: 21)
        // 37 columns: rows start and end mid-byte and mid-block; 128 columns: whole blocks.
        for (rows, columns, blocksize) in [(45, 37, 64), (24, 128, 64), (9, 300, 128), (3, 4096, 4096)] {
            let weights = (0..<(rows * columns)).map { _ in Float(rng.nextNormal()) * 0.05 }
            let q = try QuantizedTensor(quantizing: weights, shape: [rows, columns], type: type, blocksize: blocksize, doubleQuant: doubleQuant)
            let w = q.dequantized()
            let x = (0..<columns).map { _ in rng.nextUniform() - 0.5 }
            let start = (0..<rows).map { _ in rng.nextUniform() }
            // A middle slice of rows, plain and accumulating.
            let slice = 1..<(rows - 1)
            var y = [Float](repeating: 0, count: slice.count)
            var added = Array(start.prefix(slice.count))
            q.matvec(rows: slice, columns: columns, x: x, y: &y)
            q.matvec(rows: slice, columns: columns, x: x, y: &added, accumulate: true)
            for (j, r) in slice.enumerated() {
                var reference = 0.0, magnitude = 0.0
                for c in 0..<columns {
                    let term = Double(w[r * columns + c]) * Double(x[c])
                    reference += term
                    magnitude += abs(term)
                }
                let tolerance = 4 * Double(Float.ulpOfOne) * magnitude * Double(columns).squareRoot() + 1e-30
                #expect(abs(Double(y[j]) - reference) <= tolerance, "\(type) dq=\(doubleQuant) \(rows)×\(columns) row \(r)")
                #expect(abs(Double(added[j]) - (reference + Double(start[j]))) <= tolerance + Double(Float.ulpOfOne) * 2,
                        "accumulate, row \(r)")
            }
            // The same rows split differently give the same bits.
            var halves = [Float](repeating: 0, count: rows)
            halves.withUnsafeMutableBufferPointer { p in
                q.matvec(rows: 0..<(rows / 2), columns: columns, x: x, y: p.baseAddress!)
                q.matvec(rows: (rows / 2)..<rows, columns: columns, x: x, y: p.baseAddress! + rows / 2)
            }
            var whole = [Float](repeating: 0, count: rows)
            q.matvec(rows: 0..<rows, columns: columns, x: x, y: &whole)
            #expect(halves == whole)
        }
    }
}
