import ExperimentSpec
import Foundation
import Quantization
import Tensors

#if canImport(Glibc)
import Glibc
#endif

/// AdamW as bitsandbytes implements it, with 32-bit states (in memory or paged) or blockwise 8-bit states.
///
/// Update per element, in float32: m = β1·m + (1−β1)·g, v = β2·v + (1−β2)·g²,
/// p += −lr·√(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ε·√(1−β2ᵗ)), then p *= 1 − lr·wd (decay after the step).
/// The 8-bit variant keeps m with the signed dynamic map and v with the unsigned one, in blocks of 256,
/// updates in float32 and requantizes; tensors under 4,096 elements keep 32-bit states.
public final class AdamWOptimizer: @unchecked Sendable {
    /// Hyper-parameters (the learning rate comes from the schedule at each step).
    public let settings: OptimizerSettings
    /// Updates applied so far.
    public private(set) var step: Int = 0
    /// Number of parameters.
    public let count: Int

    /// 32-bit state storage: for every parameter, or with 8-bit states only for the small tensors, packed one
    /// after the other (`thirtyTwoBit` says where each tensor's states start).
    let m: StateArray
    let v: StateArray
    /// 8-bit tensors: parameter range, codes and block absmax for both moments.
    struct EightBitTensor {
        let range: Range<Int>
        var codes1: [UInt8], absmax1: [Float], codes2: [UInt8], absmax2: [Float]
    }
    var eightBit: [EightBitTensor] = []
    /// Parameter ranges kept in 32 bits, each with the offset of its states in `m` and `v`.
    let thirtyTwoBit: [(parameters: Range<Int>, state: Int)]

    /// Elements below which a tensor keeps 32-bit states under the 8-bit optimizer.
    public static let minimum8BitSize = 4096
    /// Block size of 8-bit states.
    public static let blocksize8 = 256

    /// The files a paged optimizer keeps its first and second moments in, in its paged directory.
    public static let pagedFiles = ["optimizer-m.f32", "optimizer-v.f32"]

    /// An optimizer over `count` parameters laid out as `tensors`; paged states go in `pagedDirectory`.
    public init(settings: OptimizerSettings, count: Int, tensors: [Range<Int>], pagedDirectory: String?) throws {
        self.settings = settings
        self.count = count
        switch settings.kind {
        case .adamW:
            m = StateArray(count: count)
            v = StateArray(count: count)
            thirtyTwoBit = [(0..<count, 0)]
        case .pagedAdamW:
            let dir = pagedDirectory ?? NSTemporaryDirectory()
            m = try StateArray(count: count, pagedAt: dir + "/" + Self.pagedFiles[0])
            v = try StateArray(count: count, pagedAt: dir + "/" + Self.pagedFiles[1])
            thirtyTwoBit = [(0..<count, 0)]
        case .adamW8bit:
            // Only the small tensors get float32 moments: the large ones live in their codes alone, which is the
            // point of 8-bit states (a quarter of the memory).
            var small: [(parameters: Range<Int>, state: Int)] = []
            var smallCount = 0
            for r in tensors {
                if r.count < Self.minimum8BitSize {
                    small.append((r, smallCount))
                    smallCount += r.count
                } else {
                    let blocks = (r.count + Self.blocksize8 - 1) / Self.blocksize8
                    eightBit.append(EightBitTensor(range: r, codes1: [UInt8](repeating: EightBitCodec.signed.zeroCode, count: r.count),
                                                   absmax1: [Float](repeating: 0, count: blocks),
                                                   codes2: [UInt8](repeating: EightBitCodec.unsigned.zeroCode, count: r.count),
                                                   absmax2: [Float](repeating: 0, count: blocks)))
                }
            }
            thirtyTwoBit = small
            m = StateArray(count: smallCount)
            v = StateArray(count: smallCount)
        }
    }

    /// Float32 values held for the moments (both together: twice this).
    public var thirtyTwoBitStateCount: Int { m.count }

    /// Bytes of optimizer state: float32 moments, 8-bit codes and block maxima.
    public var stateBytes: Int {
        2 * m.count * 4 + eightBit.reduce(0) { $0 + $1.codes1.count + $1.codes2.count + 4 * ($1.absmax1.count + $1.absmax2.count) }
    }

    /// Applies one update with learning rate `lr` to `parameters` from `gradients`.
    public func update(parameters p: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, lr: Double) {
        step += 1
        let beta1 = Float(settings.beta1), beta2 = Float(settings.beta2)
        let correction1 = 1 - pow(settings.beta1, Double(step))
        let correction2 = (1 - pow(settings.beta2, Double(step))).squareRoot()
        let stepSize = Float(-lr * correction2 / correction1)
        let epsilon = Float(settings.epsilon * correction2)
        let decay = settings.weightDecay > 0 ? Float(1 - lr * settings.weightDecay) : 1
        let ms = m.pointer, vs = v.pointer
        for (r, offset) in thirtyTwoBit {
            let shift = offset - r.lowerBound
            for i in r {
                let gi = g[i]
                let si = i + shift
                let mi = ms[si] * beta1 + (1 - beta1) * gi
                let vi = vs[si] * beta2 + (1 - beta2) * (gi * gi)
                ms[si] = mi
                vs[si] = vi
                var pi = p[i] + stepSize * (mi / (vi.squareRoot() + epsilon))
                if decay != 1 { pi *= decay }
                p[i] = pi
            }
        }
        guard !eightBit.isEmpty else { return }
        let signed = EightBitCodec.signed, unsigned = EightBitCodec.unsigned
        let s1 = UnsafeMutableBufferPointer<Float>.allocate(capacity: Self.blocksize8)
        let s2 = UnsafeMutableBufferPointer<Float>.allocate(capacity: Self.blocksize8)
        defer { s1.deallocate(); s2.deallocate() }
        for t in eightBit.indices {
            let range = eightBit[t].range
            let blocks = eightBit[t].absmax1.count
            for block in 0..<blocks {
                let lo = block * Self.blocksize8, hi = min(range.count, lo + Self.blocksize8)
                let c = hi - lo
                let a = UnsafeMutableBufferPointer(rebasing: s1[0..<c]), b = UnsafeMutableBufferPointer(rebasing: s2[0..<c])
                eightBit[t].codes1.withUnsafeBufferPointer { signed.dequantizeBlock(UnsafeBufferPointer(rebasing: $0[lo..<hi]), absmax: eightBit[t].absmax1[block], into: a) }
                eightBit[t].codes2.withUnsafeBufferPointer { unsigned.dequantizeBlock(UnsafeBufferPointer(rebasing: $0[lo..<hi]), absmax: eightBit[t].absmax2[block], into: b) }
                for j in 0..<c {
                    let i = range.lowerBound + lo + j
                    let gi = g[i]
                    a[j] = a[j] * beta1 + (1 - beta1) * gi
                    b[j] = b[j] * beta2 + (1 - beta2) * (gi * gi)
                    var pi = p[i] + stepSize * (a[j] / (b[j].squareRoot() + epsilon))
                    if decay != 1 { pi *= decay }
                    p[i] = pi
                }
                eightBit[t].absmax1[block] = eightBit[t].codes1.withUnsafeMutableBufferPointer {
                    signed.quantizeBlock(UnsafeBufferPointer(a), into: UnsafeMutableBufferPointer(rebasing: $0[lo..<hi]))
                }
                eightBit[t].absmax2[block] = eightBit[t].codes2.withUnsafeMutableBufferPointer {
                    unsigned.quantizeBlock(UnsafeBufferPointer(b), into: UnsafeMutableBufferPointer(rebasing: $0[lo..<hi]))
                }
            }
        }
    }

    /// The whole state, for a checkpoint: step, 32-bit moments, 8-bit codes and block absmax.
    public func stateTensors() -> [(name: String, blob: SafeTensorsBlob)] {
        var out: [(String, SafeTensorsBlob)] = [
            ("step", .int64([step], shape: [1])),
            ("m", .float32(m.array, shape: [m.count])),
            ("v", .float32(v.array, shape: [v.count])),
        ]
        for (i, t) in eightBit.enumerated() {
            out.append(("q8.\(i).codes1", .uint8(t.codes1, shape: [t.codes1.count])))
            out.append(("q8.\(i).absmax1", .float32(t.absmax1, shape: [t.absmax1.count])))
            out.append(("q8.\(i).codes2", .uint8(t.codes2, shape: [t.codes2.count])))
            out.append(("q8.\(i).absmax2", .float32(t.absmax2, shape: [t.absmax2.count])))
        }
        return out
    }

    /// Restores a state saved by `stateTensors()`; the file must match this optimizer's layout.
    public func restore(from file: SafeTensorsFile) throws {
        guard let s = try file.integers("step").first else { throw SafeTensorsError(path: file.path, tensor: "step", message: "empty") }
        var mv = try file.floats("m"), vv = try file.floats("v")
        if mv.count == count, vv.count == count, m.count != count {
            // A checkpoint from before 8-bit states stopped keeping float32 moments for every parameter: take the
            // small tensors' values out of the full arrays.
            mv = thirtyTwoBit.flatMap { mv[$0.parameters] }
            vv = thirtyTwoBit.flatMap { vv[$0.parameters] }
        }
        guard mv.count == m.count, vv.count == v.count else {
            throw SafeTensorsError(path: file.path, tensor: "m", message: "holds \(mv.count) values, the optimizer \(m.count)")
        }
        m.load(mv)
        v.load(vv)
        for i in eightBit.indices {
            let c1 = try file.bytes("q8.\(i).codes1"), a1 = try file.floats("q8.\(i).absmax1")
            let c2 = try file.bytes("q8.\(i).codes2"), a2 = try file.floats("q8.\(i).absmax2")
            guard c1.count == eightBit[i].codes1.count, a1.count == eightBit[i].absmax1.count,
                  c2.count == eightBit[i].codes2.count, a2.count == eightBit[i].absmax2.count else {
                throw SafeTensorsError(path: file.path, tensor: "q8.\(i)", message: "8-bit state does not match the optimizer's layout")
            }
            eightBit[i].codes1 = c1
            eightBit[i].absmax1 = a1
            eightBit[i].codes2 = c2
            eightBit[i].absmax2 = a2
        }
        step = s
    }
}

/// Global gradient-norm clipping as PyTorch's `clip_grad_norm_` does it.
public enum GradientClipping {
    /// The L2 norm of all gradients (accumulated in float64, so the order of tensors does not matter).
    public static func norm(_ g: UnsafePointer<Float>, count: Int) -> Double {
        var sum = 0.0
        for i in 0..<count { sum += Double(g[i]) * Double(g[i]) }
        return sum.squareRoot()
    }

    /// Scales the gradients by `maxNorm / (norm + 1e-6)` when that is below 1; returns the norm before clipping.
    @discardableResult
    public static func clip(_ g: UnsafeMutablePointer<Float>, count: Int, maxNorm: Double) -> Double {
        let total = norm(g, count: count)
        guard maxNorm > 0 else { return total }
        let coefficient = maxNorm / (total + 1e-6)
        if coefficient < 1 {
            let c = Float(coefficient)
            for i in 0..<count { g[i] *= c }
        }
        return total
    }
}
