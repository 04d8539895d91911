import Quantization
import Tensors

/// A frozen linear layer `y = x · Wᵀ` with W stored `[out, in]`, dense float32 or 4-bit quantized.
///
/// A quantized weight is dequantized into a reused scratch buffer right before each product, in chunks
/// of rows so that the scratch stays small however large the layer is.
public struct FrozenLinear: Sendable {
    /// How the weight is kept in memory.
    public enum Storage: Sendable {
        /// Plain float32, row-major `[out, in]`.
        case dense([Float])
        /// Blockwise 4-bit over the flattened `[out, in]` weight.
        case quantized(QuantizedTensor)
    }

    /// Output width (rows of W).
    public let outFeatures: Int
    /// Input width (columns of W).
    public let inFeatures: Int
    /// The weight.
    public let storage: Storage
    /// A frozen bias added to every output row (`outFeatures` values; Qwen2's query, key and value projections),
    /// kept float32 as bitsandbytes keeps a 4-bit layer's bias; nil for none. It changes the outputs only, so
    /// the input gradient (`backwardInput`) does not see it.
    public var bias: [Float]? {
        didSet { precondition(bias.map { $0.count == outFeatures } ?? true, "a bias of \(bias!.count) for \(outFeatures) outputs") }
    }

    /// A dense layer over a `[out, in]` weight.
    public init(dense weight: Tensor) {
        precondition(weight.rank == 2, "a linear weight is 2-dimensional, got \(weight.shape)")
        self.init(outFeatures: weight.shape[0], inFeatures: weight.shape[1], storage: .dense(weight.scalars))
    }

    /// A layer over a `[out, in]` weight, quantized as `quantization` says (dense when nil).
    public init(weight: Tensor, quantization: WeightQuantization?) throws {
        guard let quantization else {
            self.init(dense: weight)
            return
        }
        precondition(weight.rank == 2, "a linear weight is 2-dimensional, got \(weight.shape)")
        self.init(outFeatures: weight.shape[0], inFeatures: weight.shape[1],
                  storage: .quantized(try QuantizedTensor(quantizing: weight.scalars, shape: weight.shape, type: quantization.type,
                                                          blocksize: quantization.blocksize, doubleQuant: quantization.doubleQuant)))
    }

    /// A layer from its parts.
    public init(outFeatures: Int, inFeatures: Int, storage: Storage) {
        self.outFeatures = outFeatures
        self.inFeatures = inFeatures
        self.storage = storage
    }

    /// Bits of storage the weight takes (codes and constants when quantized).
    public var storageBits: Int {
        switch storage {
        case .dense(let w): w.count * 32
        case .quantized(let q): q.storageBits
        }
    }

    /// Largest number of weight elements dequantized at once (16 MiB of float32 by default).
    public var scratchLimit: Int = 1 << 22

    /// How products with this weight are computed: float32, or (`.bf16`) the weight dequantized to bfloat16 and
    /// the product's other input rounded to bfloat16, summed in float32.
    public var compute: ComputePrecision = .float32

    /// Rows of W dequantized per chunk.
    var chunkRows: Int { max(1, min(outFeatures, scratchLimit / max(1, inFeatures))) }

    /// Calls `body` with consecutive row chunks of W as float32 (`rows`, pointer to `rows.count × in`), rounded to
    /// bfloat16 when `compute` is `.bf16`; the third pointer is `extra` floats of scratch for the caller.
    /// With `rounding` false the bf16 chunks are left in float32 (for a product that converts them itself).
    func withRowChunks(scratch: Scratch, extra: Int = 0, rounding: Bool = true,
                       _ body: (Range<Int>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        let bf16 = compute == .bf16
        switch storage {
        case .dense(let w) where !bf16 || !rounding:
            // The float32 product of a dense weight needs no scratch (and leaves it untouched).
            let spare = extra > 0 ? scratch.pointer(count: extra) : scratch.buffer
            w.withUnsafeBufferPointer { body(0..<outFeatures, $0.baseAddress!, spare) }
        case .dense(let w):
            let chunk = chunkRows
            let buffer = scratch.pointer(count: chunk * inFeatures + extra)
            w.withUnsafeBufferPointer { w in
                var start = 0
                while start < outFeatures {
                    let end = min(outFeatures, start + chunk)
                    let first = start * inFeatures, elements = (end - start) * inFeatures
                    Parallel.forEachPart(elements) { part in
                        BFloat16.round(w.baseAddress! + first + part.lowerBound, into: buffer + part.lowerBound, count: part.count)
                    }
                    body(start..<end, buffer, buffer + chunk * inFeatures)
                    start = end
                }
            }
        case .quantized(let q):
            let chunk = chunkRows
            let buffer = scratch.pointer(count: chunk * inFeatures + extra)
            var start = 0
            while start < outFeatures {
                let end = min(outFeatures, start + chunk)
                // In pieces of whole blocks, one per BLAS thread: each element is decoded alone, so the split changes nothing.
                let first = start * inFeatures, elements = (end - start) * inFeatures, piece = 2 * q.blocksize
                Parallel.forEachPart((elements + piece - 1) / piece, cost: piece) { pieces in
                    let lower = first + pieces.lowerBound * piece, upper = min(first + elements, first + pieces.upperBound * piece)
                    q.dequantize(elements: lower..<upper, into: buffer + (lower - first))
                    if bf16 && rounding { BFloat16.round(buffer + (lower - first), count: upper - lower) }
                }
                body(start..<end, buffer, buffer + chunk * inFeatures)
                start = end
            }
        }
    }

    /// Whether bfloat16 products run as oneDNN bf16 matmuls here, which convert (and so round) both inputs
    /// themselves: then neither is rounded beforehand.
    var nativeBF16: Bool { MatmulBackend.active == .onednn && OneDNN.hasNativeBF16 }

    /// Floats of scratch a bfloat16 product of `rows` rows of the other input (`width` wide) needs beyond the
    /// weight chunk: the rounded input; natively, room for both inputs rounded as float32, which covers them as
    /// bfloat16 bits and the emulation should oneDNN refuse the product after all.
    func bf16Extra(rows n: Int, width: Int, native: Bool) -> Int {
        native ? n * width + chunkRows * inFeatures : n * width
    }

    /// `y[n, out] = x[n, in] · Wᵀ + bias` (or `+=` with `accumulate`); `ldy` is y's row stride.
    public func forward(x: UnsafePointer<Float>, rows n: Int, y: UnsafeMutablePointer<Float>, ldy: Int? = nil,
                        accumulate: Bool = false, scratch: Scratch) {
        let ldy = ldy ?? outFeatures
        product(x: x, rows: n, y: y, ldy: ldy, accumulate: accumulate, scratch: scratch)
        guard let bias else { return }
        let width = outFeatures
        bias.withUnsafeBufferPointer { b in
            let bp = b.baseAddress!
            Parallel.forEachPart(n, cost: width) { rows in
                for r in rows {
                    let row = y + r * ldy
                    for j in 0..<width { row[j] += bp[j] }
                }
            }
        }
    }

    /// `y = x · Wᵀ` (or `+=`), without the bias.
    private func product(x: UnsafePointer<Float>, rows n: Int, y: UnsafeMutablePointer<Float>, ldy: Int,
                         accumulate: Bool, scratch: Scratch) {
        if compute == .bf16 {
            // Emulated: x rounded once into the scratch, each chunk of the weight rounded as it is dequantized.
            // Natively (oneDNN's bf16 matmul) the product converts both inputs to bfloat16 itself: nothing first.
            let native = nativeBF16, count = n * inFeatures
            var rounded = native
            withRowChunks(scratch: scratch, extra: bf16Extra(rows: n, width: inFeatures, native: native), rounding: !native) { range, w, spare in
                if !rounded {
                    Parallel.forEachPart(count) { part in
                        BFloat16.round(x + part.lowerBound, into: spare + part.lowerBound, count: part.count)
                    }
                    rounded = true
                }
                BFloat16.gemm(transposeA: false, transposeB: true, m: n, n: range.count, k: inFeatures,
                              a: native ? x : UnsafePointer(spare), lda: inFeatures, roundedA: !native, b: w, ldb: inFeatures,
                              roundedB: !native, beta: accumulate ? 1 : 0, c: y + range.lowerBound, ldc: ldy,
                              scratch: native ? spare : spare + count)
            }
            return
        }
        if n == 1, case .quantized(let q) = storage {
            // One token (decoding): multiplied straight from the 4-bit codes, each read once; dequantizing first
            // would write the weight in float32 and read it back. (A dense weight's single row goes through
            // SGEMV inside `BLAS.sgemm`.)
            // Rows are independent and each is summed in a fixed order, so splitting them between the BLAS
            // threads' cores changes the time, not the bits.
            let parts = min(BLAS.threads, max(1, outFeatures / 64))
            if parts <= 1 {
                q.matvec(rows: 0..<outFeatures, columns: inFeatures, x: x, y: y, accumulate: accumulate)
            } else {
                WorkerPool.shared.run(parts: parts) { part in
                    let rows = (outFeatures * part / parts)..<(outFeatures * (part + 1) / parts)
                    q.matvec(rows: rows, columns: inFeatures, x: x, y: y + rows.lowerBound, accumulate: accumulate)
                }
            }
            return
        }
        withRowChunks(scratch: scratch) { range, w, _ in
            BLAS.sgemm(transposeA: false, transposeB: true, m: n, n: range.count, k: inFeatures,
                       a: x, lda: inFeatures, b: w, ldb: inFeatures, beta: accumulate ? 1 : 0,
                       c: y + range.lowerBound, ldc: ldy)
        }
    }

    /// `dx[n, in] = dy[n, out] · W` (or `+=` with `accumulate`): the input gradient; W gets none.
    public func backwardInput(dy: UnsafePointer<Float>, rows n: Int, dx: UnsafeMutablePointer<Float>,
                              accumulate: Bool = false, scratch: Scratch) {
        var first = !accumulate
        if compute == .bf16 {
            // Emulated: dY rounded once into the scratch, each chunk of its columns multiplying the matching
            // (rounded) rows of W. Natively the product converts both inputs itself, as in `forward`.
            let native = nativeBF16, count = n * outFeatures
            var rounded = native
            withRowChunks(scratch: scratch, extra: bf16Extra(rows: n, width: outFeatures, native: native), rounding: !native) { range, w, spare in
                if !rounded {
                    Parallel.forEachPart(count) { part in
                        BFloat16.round(dy + part.lowerBound, into: spare + part.lowerBound, count: part.count)
                    }
                    rounded = true
                }
                BFloat16.gemm(transposeA: false, transposeB: false, m: n, n: inFeatures, k: range.count,
                              a: (native ? dy : UnsafePointer(spare)) + range.lowerBound, lda: outFeatures,
                              roundedA: !native, b: w, ldb: inFeatures, roundedB: !native, beta: first ? 0 : 1,
                              c: dx, ldc: inFeatures, scratch: native ? spare : spare + count)
                first = false
            }
            return
        }
        withRowChunks(scratch: scratch) { range, w, _ in
            BLAS.sgemm(transposeA: false, transposeB: false, m: n, n: inFeatures, k: range.count,
                       a: dy + range.lowerBound, lda: outFeatures, b: w, ldb: inFeatures, beta: first ? 0 : 1,
                       c: dx, ldc: inFeatures)
            first = false
        }
    }

    /// The whole weight as a float32 tensor (dequantized when quantized).
    public func dequantized() -> Tensor {
        switch storage {
        case .dense(let w): Tensor(shape: [outFeatures, inFeatures], scalars: w)
        case .quantized(let q): Tensor(shape: [outFeatures, inFeatures], scalars: q.dequantized())
        }
    }
}

/// A reusable float32 buffer for dequantized weights, grown on demand and never shrunk.
public final class Scratch: @unchecked Sendable {
    @usableFromInline var buffer: UnsafeMutablePointer<Float>
    @usableFromInline var capacity: Int

    /// An empty scratch buffer.
    public init() {
        capacity = 0
        buffer = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    }

    deinit { buffer.deallocate() }

    /// A pointer to at least `count` floats, valid until the next call.
    @inlinable
    public func pointer(count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            buffer.deallocate()
            buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
            capacity = count
        }
        return buffer
    }
}
