import Testing
@testable import Tensors
@testable import Training

/// Dropout masks drawn 64 elements a word, in parallel parts, against drawing each element's uniform in turn.
struct DropoutMaskTests {
    @Test func theMaskKeepsExactlyTheElementsWhoseUniformIsAtLeastP() {
        for count in [1, 63, 64, 65, 1_000, 100_003] {
            for p: Float in [0.05, 0.1, 0.5, 1e-7, 0.999_9, 0.3] {
                for stream in [SeededGenerator(seed: 7), SeededGenerator(seed: 0xFEED, counter: 12_345)] {
                    let mask = DropoutMask(count: count)
                    mask.draw(stream, dropping: p)
                    var rng = stream
                    var mismatches = 0, kept = 0
                    for i in 0..<count {
                        let keep = rng.nextUniform() >= p
                        if keep != mask.kept(i) { mismatches += 1 }
                        if keep { kept += 1 }
                    }
                    #expect(mismatches == 0, "\(count) elements, p \(p): \(mismatches) differ")
                    // Bits past the last element stay clear.
                    if count % 64 != 0 { #expect(mask.words[count / 64] >> UInt64(count % 64) == 0) }
                    if count >= 100_000 && p == 0.5 { #expect(abs(Double(kept) / Double(count) - 0.5) < 0.01) }
                }
            }
        }
    }

    @Test func theWordsAtAnOffsetAreTheStreamsDrawsAtThatOffset() {
        let stream = SeededGenerator(seed: 99, counter: 3)
        var rng = stream
        for _ in 0..<640 { _ = rng.nextUniform() }
        let word = stream.uniformBits(atLeast: 0.25, offset: 640, bits: 64)
        var expected: UInt64 = 0
        for b in 0..<64 where rng.nextUniform() >= 0.25 { expected |= 1 << UInt64(b) }
        #expect(word == expected)
        #expect(stream.uniformBits(atLeast: 0, offset: 0, bits: 10) == (1 << 10) - 1)
        #expect(stream.uniformBits(atLeast: 1, offset: 0, bits: 64) == 0)
    }
}
