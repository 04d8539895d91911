#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Backward passes of the element-wise and row-wise kernels, in a fixed order (bit-reproducible).
extension Kernels {
    /// RMSNorm backward for `y = w · x · r`, `r = 1/√(mean(x²)+eps)`: writes (or adds, with `accumulate`) `dx`.
    ///
    /// `dx_j = r·w_j·dy_j − x_j · r³/d · Σ_i w_i·dy_i·x_i`. When `weightGradient` is given, adds `Σ_rows dy·x·r` to it.
    @inlinable
    public static func rmsNormBackward(rows: Int, dim: Int, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                       inverseRMS: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                       dx: UnsafeMutablePointer<Float>, accumulate: Bool,
                                       weightGradient: UnsafeMutablePointer<Float>? = nil) {
        // Rows are independent, except through the weight gradient (full fine-tuning), summed over rows in order.
        Parallel.forEachPart(rows, cost: dim, minimumPerPart: weightGradient == nil ? Parallel.defaultMinimumPerPart : .max) { part in
            for r in part {
                let xr = x + r * dim, dyr = dy + r * dim, dxr = dx + r * dim
                let inv = inverseRMS[r]
                var dot: Float = 0
                for i in 0..<dim { dot += weight[i] * dyr[i] * xr[i] }
                let coefficient = dot * inv * inv * inv / Float(dim)
                if accumulate {
                    for i in 0..<dim { dxr[i] += inv * weight[i] * dyr[i] - xr[i] * coefficient }
                } else {
                    for i in 0..<dim { dxr[i] = inv * weight[i] * dyr[i] - xr[i] * coefficient }
                }
                if let weightGradient {
                    for i in 0..<dim { weightGradient[i] += dyr[i] * xr[i] * inv }
                }
            }
        }
    }

    /// SwiGLU backward for `out = silu(gate) · up`: writes `dGate` and `dUp` from `dOut`.
    @inlinable
    public static func swigluBackward(count: Int, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, dOut: UnsafePointer<Float>,
                                      dGate: UnsafeMutablePointer<Float>, dUp: UnsafeMutablePointer<Float>) {
        Parallel.forEachPart(count, cost: 20) { part in
            var i = part.lowerBound
            while i < part.upperBound {
                let m = Swift.min(8, part.upperBound - i)
                let g = VectorExp.load(gate + i, count: m), d = VectorExp.load(dOut + i, count: m)
                let u = VectorExp.load(up + i, count: m)
                let s = 1 / (1 + VectorExp.exp(-g))
                let silu = g * s
                // All inputs are read before either output is written, so an output may be an input's buffer.
                VectorExp.store(d * silu, dUp + i, count: m)
                VectorExp.store(d * u * (s * (1 + g * (1 - s))), dGate + i, count: m)
                i += 8
            }
        }
    }

    /// GeGLU backward for `out = gelu_tanh(gate) · up` (`Kernels.geglu`): writes `dGate` and `dUp` from `dOut`.
    ///
    /// With u = √(2/π)·(x + 0.044715·x³) and t = tanh u: gelu = ½x(1 + t), and
    /// gelu′ = ½(1 + t) + ½x(1 − t²)·√(2/π)·(1 + 3·0.044715·x²).
    @inlinable
    public static func gegluBackward(count: Int, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, dOut: UnsafePointer<Float>,
                                     dGate: UnsafeMutablePointer<Float>, dUp: UnsafeMutablePointer<Float>) {
        let beta = Float((2 / Double.pi).squareRoot()), kappa: Float = 0.044715
        Parallel.forEachPart(count, cost: 28) { part in
            for i in part {
                let x = gate[i]
                let t = tanhf(beta * (x + kappa * x * x * x))
                let gelu = 0.5 * x * (1 + t)
                let derivative = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * beta * (1 + 3 * kappa * x * x)
                dUp[i] = dOut[i] * gelu
                dGate[i] = dOut[i] * up[i] * derivative
            }
        }
    }
}
