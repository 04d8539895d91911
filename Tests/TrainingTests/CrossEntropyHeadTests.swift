import Foundation
import Testing
import Tensors
@testable import Training

/// The output layer and loss, formed a chunk of token rows at a time (so a 262,144-piece vocabulary never needs
/// a tokens × vocabulary buffer), against the unchunked loss and gradients computed in float64.
@Suite("Cross-entropy head: chunked loss against float64")
struct CrossEntropyHeadTests {
    /// The chunk: 256 rows of SmolLM2's vocabulary (48 MiB), 64 of Gemma 3's (64 MiB, the floor), never above 256.
    @Test func chunkRowsFollowTheVocabulary() {
        #expect(CrossEntropyHead.chunkRows(vocab: 49_152) == 256)
        #expect(CrossEntropyHead.chunkRows(vocab: 262_144) == 64)
        #expect(CrossEntropyHead.chunkRows(vocab: 151_936) == 82)
        #expect(CrossEntropyHead.chunkRows(vocab: 700) == 256)
        #expect(CrossEntropyHead(vocab: 151_936, dim: 8).logits.count == 82 * 151_936)
    }

    @Test(arguments: [1, 63, 64, 65, 150])
    func chunkedLossAndGradientsEqualTheUnchunkedFloat64Ones(rows: Int) {
        let vocab = 700, dim = 24
        var rng = SeededGenerator(seed: UInt64(rows))
        let h = (0..<(rows * dim)).map { _ in Float(rng.nextNormal()) }
        let w = (0..<(vocab * dim)).map { _ in Float(0.4 * rng.nextNormal()) }
        // Every third row carries no label, as prompt and padding positions do.
        let targets: [(row: Int, target: Int)] = (0..<rows).filter { $0 % 3 != 1 }.map { ($0, Int(rng.next() % UInt64(vocab))) }
        let normalizer = targets.count + 5
        let head = CrossEntropyHead(vocab: vocab, dim: dim, chunk: 64)
        // The logits buffer holds one chunk of rows, whatever the number of tokens.
        #expect(head.logits.count == 64 * vocab)
        var dH = [Float](repeating: .nan, count: rows * dim)
        var dW = [Float](repeating: 0, count: vocab * dim)
        let loss = head.lossAndGradient(h: h, rows: rows, weights: w, targets: targets, normalizer: normalizer,
                                        dH: &dH, weightGradient: &dW)

        var expectedLoss = 0.0
        var expectedDH = [Double](repeating: 0, count: rows * dim), expectedDW = [Double](repeating: 0, count: vocab * dim)
        for (row, target) in targets {
            let logits = (0..<vocab).map { v in (0..<dim).reduce(0.0) { $0 + Double(h[row * dim + $1]) * Double(w[v * dim + $1]) } }
            let m = logits.max()!
            let sum = logits.reduce(0.0) { $0 + exp($1 - m) }
            expectedLoss += log(sum) + m - logits[target]
            for v in 0..<vocab {
                let g = (exp(logits[v] - m) / sum - (v == target ? 1 : 0)) / Double(normalizer)
                for j in 0..<dim {
                    expectedDH[row * dim + j] += g * Double(w[v * dim + j])
                    expectedDW[v * dim + j] += g * Double(h[row * dim + j])
                }
            }
        }
        #expect(abs(loss - expectedLoss) <= 1e-5 * abs(expectedLoss), "loss \(loss) vs \(expectedLoss)")
        func relative(_ a: [Float], _ b: [Double]) -> Double {
            var d = 0.0, n = 0.0
            for (x, y) in zip(a, b) { d += (Double(x) - y) * (Double(x) - y); n += y * y }
            return (d / n).squareRoot()
        }
        #expect(relative(dH, expectedDH) < 1e-5)
        #expect(relative(dW, expectedDW) < 1e-5)
        // Rows without a label get a zero gradient (the buffer is cleared, not left as it was).
        #expect((0..<rows).filter { $0 % 3 == 1 }.allSatisfy { r in (0..<dim).allSatisfy { dH[r * dim + $0] == 0 } })
    }
}
