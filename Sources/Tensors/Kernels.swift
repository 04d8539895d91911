#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Element-wise and row-wise kernels of the transformer, on raw row-major buffers.
///
/// Each element or row is computed in a fixed order, so the same inputs give the same bits on every run; the
/// loops over independent rows or elements are split across the BLAS threads' cores (`Parallel`), which does not
/// change them.
public enum Kernels {
    /// RMSNorm of each of `rows` rows of width `dim`: `out = weight · x / sqrt(mean(x²) + eps)`.
    /// Returns nothing; writes `inverseRMS[row]` when given (the backward pass needs it).
    @inlinable
    public static func rmsNorm(rows: Int, dim: Int, x: UnsafePointer<Float>, weight: UnsafePointer<Float>, eps: Float,
                               out: UnsafeMutablePointer<Float>, inverseRMS: UnsafeMutablePointer<Float>? = nil) {
        Parallel.forEachPart(rows, cost: dim) { part in
            for r in part {
                let xr = x + r * dim
                let or = out + r * dim
                var sum: Float = 0
                for i in 0..<dim { sum += xr[i] * xr[i] }
                let inv = 1 / (sum / Float(dim) + eps).squareRoot()
                inverseRMS?[r] = inv
                for i in 0..<dim { or[i] = weight[i] * (xr[i] * inv) }
            }
        }
    }

    /// Cosine and sine tables for rotate-half RoPE: `[position][i]` for i < headDim/2, angle = pos / theta^(2i/headDim).
    public static func ropeTables(positions: Int, headDim: Int, theta: Double) -> (cos: [Float], sin: [Float]) {
        let half = headDim / 2
        var cosTable = [Float](repeating: 0, count: positions * half)
        var sinTable = [Float](repeating: 0, count: positions * half)
        for i in 0..<half {
            // As the reference computes it: the inverse frequency rounded to float32, the angle in float32.
            let inverseFrequency = Float(1.0 / pow(theta, Double(2 * i) / Double(headDim)))
            for p in 0..<positions {
                let angle = Float(p) * inverseFrequency
                cosTable[p * half + i] = Float(cos(Double(angle)))
                sinTable[p * half + i] = Float(sin(Double(angle)))
            }
        }
        return (cosTable, sinTable)
    }

    /// Applies rotate-half RoPE in place to `heads` heads of width `headDim` in one row (dimension i pairs with i + headDim/2).
    /// With `inverse`, rotates by the negative angle (the backward pass of the rotation).
    @inlinable
    public static func rope(_ row: UnsafeMutablePointer<Float>, heads: Int, headDim: Int,
                            cos: UnsafePointer<Float>, sin: UnsafePointer<Float>, inverse: Bool = false) {
        let half = headDim / 2
        for h in 0..<heads {
            let v = row + h * headDim
            for i in 0..<half {
                let a = v[i], b = v[i + half]
                let c = cos[i], s = inverse ? -sin[i] : sin[i]
                v[i] = a * c - b * s
                v[i + half] = b * c + a * s
            }
        }
    }

    /// Softmax of `count` values in place; masked entries are −∞ on input and 0 on output.
    /// A row with no allowed entries becomes all zeros.
    @inlinable
    public static func softmax(_ v: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 0 else { return }
        var maximum = -Float.infinity
        for i in 0..<count { maximum = Swift.max(maximum, v[i]) }
        if maximum == -.infinity {
            for i in 0..<count { v[i] = 0 }
            return
        }
        let inv = 1 / VectorExp.exponentiate(v, count: count, subtracting: maximum)
        for i in 0..<count { v[i] *= inv }
    }

    /// SwiGLU: `out = silu(gate) · up`, silu(x) = x / (1 + e^(−x)), eight elements at a time (`out` may be `gate`).
    @inlinable
    public static func swiglu(count: Int, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>) {
        Parallel.forEachPart(count, cost: 16) { part in
            var i = part.lowerBound
            while i < part.upperBound {
                let m = Swift.min(8, part.upperBound - i)
                let g = VectorExp.load(gate + i, count: m)
                VectorExp.store(g / (1 + VectorExp.exp(-g)) * VectorExp.load(up + i, count: m), out + i, count: m)
                i += 8
            }
        }
    }

    /// `y += alpha · x` over `count` elements.
    @inlinable
    public static func axpy(count: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        for i in 0..<count { y[i] += alpha * x[i] }
    }
}
