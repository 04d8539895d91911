import Foundation
import Synchronization
import Testing
@testable import Tensors

/// qlab's worker threads: every part once, nesting and concurrent callers, and the products split across them.
struct WorkerPoolTests {
    /// Counts calls per part.
    final class Tally: @unchecked Sendable {
        let counts: UnsafeMutablePointer<Int>
        let threads = Mutex<Set<String>>([])
        init(_ parts: Int) {
            counts = .allocate(capacity: parts)
            counts.initialize(repeating: 0, count: parts)
        }
        deinit { counts.deallocate() }
    }

    @Test func everyPartRunsExactlyOnceForEverySizeAndPartCount() {
        for size in 1...4 {
            let pool = WorkerPool(size: size)
            for parts in [1, 2, 3, 4, 5, 9, 64] {
                for _ in 0..<20 {
                    let tally = Tally(parts)
                    pool.run(parts: parts) { p in tally.counts[p] += 1 }
                    let counts = Array(UnsafeBufferPointer(start: tally.counts, count: parts))
                    #expect(counts == Array(repeating: 1, count: parts), "size \(size), \(parts) parts: \(counts)")
                }
            }
        }
    }

    @Test func partsRunOnMoreThanOneThreadWhenThePoolHasThem() {
        let pool = WorkerPool(size: 2)
        var seen = Set<String>()
        for _ in 0..<50 {
            let tally = Tally(2)
            pool.run(parts: 2) { p in
                let name = "\(pthread_self())"
                tally.threads.withLock { _ = $0.insert(name) }
                if p == 1 { usleep(100) }
            }
            seen.formUnion(tally.threads.withLock { $0 })
        }
        #expect(seen.count == 2, "threads seen: \(seen.count)")
    }

    @Test func aPartThatAsksForThePoolAgainRunsItsInnerPartsItself() {
        let pool = WorkerPool(size: 2)
        let tally = Tally(6)
        pool.run(parts: 2) { outer in
            pool.run(parts: 3) { inner in tally.counts[outer * 3 + inner] += 1 }
        }
        #expect(Array(UnsafeBufferPointer(start: tally.counts, count: 6)) == Array(repeating: 1, count: 6))
    }

    @Test func concurrentCallersEachGetEveryPartOnce() async {
        let pool = WorkerPool(size: 2)
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<200 {
                        let tally = Tally(5)
                        pool.run(parts: 5) { p in tally.counts[p] += 1 }
                        if Array(UnsafeBufferPointer(start: tally.counts, count: 5)) != Array(repeating: 1, count: 5) { return false }
                    }
                    return true
                }
            }
            for await ok in group { #expect(ok) }
        }
    }

    @Test func aSleepingWorkerWakesForTheNextJob() {
        let pool = WorkerPool(size: 2)
        for _ in 0..<3 {
            let tally = Tally(2)
            pool.run(parts: 2) { p in tally.counts[p] += 1 }
            #expect(tally.counts[0] == 1 && tally.counts[1] == 1)
            // Longer than a worker spins: it is asleep on the condition variable when the next job comes.
            usleep(UInt32(3 * WorkerPool.spinNanoseconds / 1_000))
        }
    }

    @Test func splitRangesCoverTheExtentInAlignedDisjointBlocks() {
        for extent in [0, 1, 15, 16, 17, 33, 96, 255, 1024, 49_152] {
            for parts in 1...5 {
                let ranges = (0..<parts).map { BLAS.splitRange(extent, part: $0, of: parts) }
                #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == extent)
                for (r, next) in zip(ranges, ranges.dropFirst()) {
                    #expect(r.upperBound == next.lowerBound, "\(extent) in \(parts): \(ranges)")
                }
                for r in ranges.dropFirst() where !r.isEmpty {
                    #expect(r.lowerBound % BLAS.splitAlignment == 0, "\(extent) in \(parts): \(ranges)")
                }
            }
        }
    }

    /// Products large enough to be split, cut by rows (n ≤ m) and by columns (n > m), in all four transposes,
    /// against float64 sums within the self-check's bound; the same products whole on one thread must give the
    /// same values within that bound too.
    @Test func splitProductsMatchFloat64InEveryTransposeAndDirection() {
        var rng = SeededGenerator(seed: 0x5011)
        for (m, n, k) in [(300, 70, 90), (70, 300, 90), (1024, 8, 576), (17, 4_000, 33)] {
            #expect(m * n * k >= BLAS.splitMinimum)
            for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
                let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &rng) }
                let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &rng) }
                let c0 = (0..<(m * n)).map { _ in Float.random(in: -1...1, using: &rng) }
                let lda = ta ? m : k, ldb = tb ? k : n
                let alpha: Float = 0.5, beta: Float = -0.75
                var c = c0
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        c.withUnsafeMutableBufferPointer { c in
                            BLAS.openblasSgemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha,
                                               a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb, beta: beta,
                                               c: c.baseAddress!, ldc: n)
                        }
                    }
                }
                var worst = 0.0
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0, magnitude = 0.0
                        for p in 0..<k {
                            let x = Double(ta ? a[p * lda + i] : a[i * lda + p]) * Double(tb ? b[j * ldb + p] : b[p * ldb + j])
                            sum += x
                            magnitude += abs(x)
                        }
                        let exact = Double(alpha) * sum + Double(beta) * Double(c0[i * n + j])
                        let bound = 2 * Double(k + 2) * Double(Float.ulpOfOne) * (Double(alpha) * magnitude + abs(Double(beta) * Double(c0[i * n + j]))) + 1e-30
                        worst = max(worst, abs(Double(c[i * n + j]) - exact) / bound)
                    }
                }
                #expect(worst <= 1, "\(ta ? "T" : "N")\(tb ? "T" : "N") \(m)×\(n)×\(k): worst \(worst) of the bound")
            }
        }
    }

    @Test func splitMatrixVectorProductsMatchFloat64() {
        var rng = SeededGenerator(seed: 0x5012)
        let (m, n) = (700, 400)
        let a = (0..<(m * n)).map { _ in Float.random(in: -1...1, using: &rng) }
        for transpose in [false, true] {
            let xCount = transpose ? m : n, yCount = transpose ? n : m
            let x = (0..<xCount).map { _ in Float.random(in: -1...1, using: &rng) }
            var y = [Float](repeating: 0, count: yCount)
            BLAS.sgemv(transpose: transpose, m: m, n: n, a: a, lda: n, x: x, y: &y)
            var worst = 0.0
            for r in 0..<yCount {
                var sum = 0.0, magnitude = 0.0
                for p in 0..<xCount {
                    let v = Double(transpose ? a[p * n + r] : a[r * n + p]) * Double(x[p])
                    sum += v
                    magnitude += abs(v)
                }
                worst = max(worst, abs(Double(y[r]) - sum) / (2 * Double(xCount) * Double(Float.ulpOfOne) * magnitude + 1e-30))
            }
            #expect(worst <= 1, "transpose \(transpose): worst \(worst) of the bound")
        }
    }
}
