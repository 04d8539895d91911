import Benchmark
import Tensors

/// Throughput of the machine's limits (SGEMM, memory bandwidth) and of our kernels beside them.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident],
        warmupIterations: 2,
        maxDuration: .seconds(3),
        maxIterations: 50
    )

    // SGEMM at training shapes: 1,024 token rows (batch 4 × sequence 256) times SmolLM2's projections.
    let shapes: [(name: String, m: Int, n: Int, k: Int, tA: Bool, tB: Bool)] = [
        ("forward 1024x576 · (576x576)ᵀ", 1024, 576, 576, false, true),
        ("forward 1024x576 · (1536x576)ᵀ", 1024, 1536, 576, false, true),
        ("input grad 1024x1536 · 1536x576", 1024, 576, 1536, false, false),
        ("weight grad (1024x576)ᵀ · 1024x1536", 576, 1536, 1024, true, false),
        ("lm_head 1024x576 · (49152x576)ᵀ", 1024, 49152, 576, false, true),
    ]
    for threads in [1, 2] {
        for backend in MatmulBackend.allCases {
        for s in shapes {
            let a = FloatBuffer(count: s.m * s.k), b = FloatBuffer(count: s.k * s.n), c = FloatBuffer(count: s.m * s.n)
            var rng = SeededGenerator(seed: 1)
            for i in 0..<a.count { a.pointer[i] = rng.nextUniform() - 0.5 }
            for i in 0..<b.count { b.pointer[i] = rng.nextUniform() - 0.5 }
            let flops = 2.0 * Double(s.m * s.n * s.k)
            Benchmark("SGEMM \(backend.rawValue) \(s.name), \(threads) thread(s)",
                      configuration: .init(metrics: [.wallClock, .custom("MFLOP/s", polarity: .prefersLarger, useScalingFactor: false)])) { benchmark in
                BLAS.threads = threads
                let start = DispatchTimeShim.now()
                for _ in benchmark.scaledIterations {
                    backend.sgemm(transposeA: s.tA, transposeB: s.tB, m: s.m, n: s.n, k: s.k,
                               a: a.pointer, lda: s.tA ? s.m : s.k, b: b.pointer, ldb: s.tB ? s.k : s.n,
                               c: c.pointer, ldc: s.n)
                }
                let seconds = DispatchTimeShim.seconds(since: start)
                benchmark.measurement(.custom("MFLOP/s", polarity: .prefersLarger, useScalingFactor: false),
                                      Int(flops * Double(benchmark.scaledIterations.count) / seconds / 1e6))
                blackHole(c.pointer[0])
            }
        }
        }
    }

    // STREAM-style triad a = b + s·c over 64 MiB arrays: the memory-bandwidth ceiling for dequantization.
    let count = 16 << 20
    let ta = FloatBuffer(count: count), tb = FloatBuffer(count: count), tc = FloatBuffer(count: count)
    for i in 0..<count { tb.pointer[i] = Float(i & 1023); tc.pointer[i] = 1 }
    Benchmark("Memory triad 3 × 64 MiB, 1 thread",
              configuration: .init(metrics: [.wallClock, .custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)])) { benchmark in
        let start = DispatchTimeShim.now()
        for _ in benchmark.scaledIterations {
            let a = ta.pointer, b = tb.pointer, c = tc.pointer
            for i in 0..<count { a[i] = b[i] + 3 * c[i] }
        }
        let seconds = DispatchTimeShim.seconds(since: start)
        benchmark.measurement(.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false),
                              Int(Double(3 * 4 * count * benchmark.scaledIterations.count) / seconds / 1e6))
        blackHole(ta.pointer[count - 1])
    }
    dequantizationBenchmarks()
}

import Quantization

/// NF4 dequantization into a reused buffer, the step before every frozen product.
let dequantizationBenchmarks: @Sendable () -> Void = {
    for doubleQuant in [false, true] {
        var rng = SeededGenerator(seed: 2)
        let rows = 1536, columns = 576
        let weights = (0..<(rows * columns)).map { _ in Float(rng.nextNormal()) * 0.02 }
        let q = try! QuantizedTensor(quantizing: weights, shape: [rows, columns], type: .nf4, blocksize: 64, doubleQuant: doubleQuant)
        let out = FloatBuffer(count: rows * columns)
        Benchmark("NF4 dequantize 1536x576\(doubleQuant ? " +DQ" : ""), 1 thread",
                  configuration: .init(metrics: [.wallClock, .custom("MB/s written", polarity: .prefersLarger, useScalingFactor: false)])) { benchmark in
            let start = DispatchTimeShim.now()
            for _ in benchmark.scaledIterations {
                q.dequantize(elements: 0..<(rows * columns), into: out.pointer)
            }
            let seconds = DispatchTimeShim.seconds(since: start)
            benchmark.measurement(.custom("MB/s written", polarity: .prefersLarger, useScalingFactor: false),
                                  Int(Double(4 * rows * columns * benchmark.scaledIterations.count) / seconds / 1e6))
            blackHole(out.pointer[0])
        }
    }
}
