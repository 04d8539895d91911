import CCPUID
import Foundation

/// The vector instruction sets this processor runs, as CPUID and the operating system report them.
///
/// An instruction set counts only when the OS also saves its registers (XCR0): a hypervisor can advertise
/// AVX-512 in CPUID while the guest kernel keeps it off, and OpenBLAS makes the same check.
public struct CPUFeatures: Sendable, Equatable, Codable {
    public var sse3 = false
    public var ssse3 = false
    public var sse41 = false
    public var sse42 = false
    public var avx = false
    public var avx2 = false
    public var fma = false
    public var avx512f = false
    public var avx512bw = false
    public var avx512vl = false
    public var avx512dq = false
    public var avx512cd = false
    public var avx512bf16 = false
    /// "GenuineIntel", "AuthenticAMD", ...
    public var vendor = ""
    /// The brand string (`lscpu`'s model name).
    public var model = ""
    /// Family, model and stepping as CPUID leaf 1 encodes them.
    public var family = 0
    public var modelNumber = 0

    public init() {}

    /// The names of the features present, for messages and the cache key.
    public var names: [String] {
        let all: [(String, Bool)] = [
            ("sse3", sse3), ("ssse3", ssse3), ("sse4.1", sse41), ("sse4.2", sse42), ("avx", avx), ("avx2", avx2),
            ("fma", fma), ("avx512f", avx512f), ("avx512bw", avx512bw), ("avx512vl", avx512vl),
            ("avx512dq", avx512dq), ("avx512cd", avx512cd), ("avx512_bf16", avx512bf16),
        ]
        return all.filter(\.1).map(\.0)
    }

    /// This processor, read once.
    public static let current: CPUFeatures = read()

    private static func cpuid(_ leaf: UInt32, _ subleaf: UInt32 = 0) -> (UInt32, UInt32, UInt32, UInt32)? {
        var r: [UInt32] = [0, 0, 0, 0]
        let ok = r.withUnsafeMutableBufferPointer { qlab_cpuid(leaf, subleaf, $0.baseAddress) }
        return ok != 0 ? (r[0], r[1], r[2], r[3]) : nil
    }

    private static func bit(_ value: UInt32, _ n: Int) -> Bool { value & (1 << UInt32(n)) != 0 }

    static func read() -> CPUFeatures {
        var f = CPUFeatures()
        guard let (maxLeaf, b0, c0, d0) = cpuid(0) else { return f }
        f.vendor = [b0, d0, c0].map { r in
            String(decoding: (0..<4).map { UInt8((r >> UInt32(8 * $0)) & 0xff) }, as: UTF8.self)
        }.joined()
        if let (a1, _, c1, _) = cpuid(1) {
            let baseFamily = Int((a1 >> 8) & 0xf), baseModel = Int((a1 >> 4) & 0xf)
            f.family = baseFamily == 0xf ? baseFamily + Int((a1 >> 20) & 0xff) : baseFamily
            f.modelNumber = (baseFamily == 6 || baseFamily == 0xf) ? (Int((a1 >> 16) & 0xf) << 4) + baseModel : baseModel
            f.sse3 = bit(c1, 0)
            f.ssse3 = bit(c1, 9)
            f.fma = bit(c1, 12)
            f.sse41 = bit(c1, 19)
            f.sse42 = bit(c1, 20)
            let osxsave = bit(c1, 27)
            let avxBit = bit(c1, 28)
            let xcr0 = osxsave ? qlab_xgetbv0() : 0
            let osAVX = xcr0 & 0x6 == 0x6
            let osAVX512 = xcr0 & 0xe6 == 0xe6
            f.avx = avxBit && osAVX
            f.fma = f.fma && osAVX
            if maxLeaf >= 7, let (_, b7, _, _) = cpuid(7) {
                f.avx2 = bit(b7, 5) && osAVX
                f.avx512f = bit(b7, 16) && osAVX512
                f.avx512dq = bit(b7, 17) && osAVX512
                f.avx512cd = bit(b7, 28) && osAVX512
                f.avx512bw = bit(b7, 30) && osAVX512
                f.avx512vl = bit(b7, 31) && osAVX512
                if let (a71, _, _, _) = cpuid(7, 1) { f.avx512bf16 = bit(a71, 5) && osAVX512 }
            }
        }
        if let (maxExtended, _, _, _) = cpuid(0x8000_0000), maxExtended >= 0x8000_0004 {
            var bytes: [UInt8] = []
            for leaf in UInt32(0x8000_0002)...0x8000_0004 {
                guard let (a, b, c, d) = cpuid(leaf) else { continue }
                for r in [a, b, c, d] { bytes += (0..<4).map { UInt8((r >> UInt32(8 * $0)) & 0xff) } }
            }
            f.model = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        return f
    }
}
