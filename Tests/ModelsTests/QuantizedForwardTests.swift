import Foundation
import Testing
@testable import Models
import Quantization
import Tensors

struct QuantizedForwardTests {
    static let run = TestPaths.fixture("qlora-reference/tiny-llama/r8_a16_lr1e-3_all_dq")

    func logits(_ quantization: WeightQuantization?, adapter: Bool = true) throws -> [Float] {
        let checkpoint = try HuggingFaceCheckpoint(directory: TestPaths.tinyLlama)
        let model = try checkpoint.model { _, w in try FrozenLinear(weight: w, quantization: quantization) }
        let lora = adapter ? try LoRAAdapter.load(directory: Self.run + "/adapter_init", config: model.config) : nil
        let (ids, mask, _) = try ForwardTests.batch(0)
        return try model.forward(tokens: ids, batch: 4, sequence: 32, attentionMask: mask, adapter: lora).scalars
    }

    @Test func nf4DoubleQuantLogitsMatchTheReferenceRun() throws {
        let reference = try SafeTensorsFile(path: Self.run + "/logits_step0_cuda.safetensors").floats("logits_step0")
        let got = try logits(.qlora)
        let error = relativeError(got, reference)
        #expect(error < 1e-4, "‖Δ‖/‖ref‖ = \(error)")
        print("tiny-llama NF4+DQ logits vs reference: \(error)")
        // The check can tell a wrong base apart: without quantization, or with FP4, the logits move away.
        let dense = relativeError(try logits(nil), reference)
        let fp4 = relativeError(try logits(WeightQuantization(type: .fp4)), reference)
        #expect(dense > 10 * error, "dense \(dense) vs nf4 \(error)")
        #expect(fp4 > 10 * error, "fp4 \(fp4) vs nf4 \(error)")
    }

    @Test func quantizedLayerEqualsItsDequantizedDenseTwin() throws {
        // Chunked dequantization must not change the product: compare with the dense layer over the
        // dequantized weight, with a chunk limit small enough to split the layer into many chunks.
        var rng = SeededGenerator(seed: 4)
        let w = Tensor(shape: [300, 70], scalars: (0..<21_000).map { _ in rng.nextUniform() - 0.5 })
        var q = try FrozenLinear(weight: w, quantization: WeightQuantization(type: .nf4, blocksize: 64, doubleQuant: true))
        q.scratchLimit = 1_000  // 14 rows a chunk: chunk edges fall inside blocks and bytes
        let dense = FrozenLinear(dense: q.dequantized())
        let x = FloatBuffer((0..<(5 * 70)).map { _ in rng.nextUniform() })
        let y1 = FloatBuffer(count: 5 * 300), y2 = FloatBuffer(count: 5 * 300)
        q.forward(x: x.pointer, rows: 5, y: y1.pointer, scratch: Scratch())
        dense.forward(x: x.pointer, rows: 5, y: y2.pointer, scratch: Scratch())
        // Chunks change SGEMM's blocking, so equal to float32 rounding, not to the bit.
        #expect(relativeError(y1.array, y2.array) < 1e-6)
        let dy = FloatBuffer((0..<(5 * 300)).map { _ in rng.nextUniform() })
        let dx1 = FloatBuffer(count: 5 * 70), dx2 = FloatBuffer(count: 5 * 70)
        q.backwardInput(dy: dy.pointer, rows: 5, dx: dx1.pointer, scratch: Scratch())
        dense.backwardInput(dy: dy.pointer, rows: 5, dx: dx2.pointer, scratch: Scratch())
        #expect(relativeError(dx1.array, dx2.array) < 1e-6)
        #expect(q.storageBits == 21_000 * 4 + 329 * 8 + 2 * 32 + 32)
    }
}
