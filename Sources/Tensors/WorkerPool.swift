import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// qlab's own threads for the work of one step: the parts of a matrix product and of the element-wise loops
/// between products run on the calling thread and on `size − 1` persistent workers.
///
/// Before this pool, OpenBLAS ran products on its own threads and the loops ran on Dispatch's. Between products
/// OpenBLAS's idle thread kept calling `sched_yield` on the other core, and a loop's second half had to share
/// that core with it: on a 2-core machine three threads took turns on two cores. Now OpenBLAS runs on one thread
/// per call (`BLAS.openblasSgemm` cuts a product into row or column blocks, one per part), and the same two threads
/// do the products and the loops.
///
/// A worker that finds no new work spins for `spinNanoseconds`, then sleeps on a condition variable until the
/// next job; the caller spins while it waits for the workers, yielding the core after a while so that an
/// oversubscribed machine does not starve them. When the pool is busy (another thread is running a job, or a part
/// of a job asks for the pool again) the caller runs every part itself, in order: the parts compute the same
/// values either way, so the bits never depend on which thread ran a part.
public final class WorkerPool: @unchecked Sendable {
    /// The pool every product and loop uses. Its size starts at OpenBLAS's own thread count (the cores, or
    /// `OPENBLAS_NUM_THREADS`), which is then set to 1: from here on, parallelism is this pool's.
    public static let shared = WorkerPool(size: BLAS.pinOpenBLASToOneThread())

    /// How long an idle worker spins before it sleeps.
    public static let spinNanoseconds: UInt64 = 200_000

    /// Bits of `state` that carry the current job's part count; the rest count jobs.
    private static let partBits = 16

    private let requestedSize: Atomic<Int>
    private let inUse = Atomic<Bool>(false)
    /// (jobs started << partBits) | parts of the latest job.
    private let state = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    /// Started workers; only the thread holding `inUse` reads or changes it.
    private var started = 0
    /// The job's body; written before `state` announces the job and read only by its participants.
    private var body: UncheckedBody?

    private struct UncheckedBody: @unchecked Sendable {
        let run: (Int) -> Void
    }

    init(size: Int) {
        requestedSize = Atomic(max(1, size))
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    /// Threads a job may use, the caller's included. Setting it takes effect at the next job; workers beyond it stay
    /// asleep.
    public var size: Int {
        get { requestedSize.load(ordering: .relaxed) }
        set { requestedSize.store(min(max(1, newValue), (1 << Self.partBits) - 1), ordering: .relaxed) }
    }

    /// Calls `body(p)` once for every `p` in `0..<parts`, concurrently when the pool is free (part 0 on this
    /// thread), and returns when all have returned. Parts beyond `size` run on the threads in turn; each part
    /// must touch only its own share of memory.
    public func run(parts: Int, _ body: (Int) -> Void) {
        let threads = min(parts, size)
        guard threads > 1, inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for p in 0..<parts { body(p) }
            return
        }
        defer { inUse.store(false, ordering: .releasing) }
        while started < threads - 1 {
            started += 1
            let index = started, seen = state.load(ordering: .relaxed)
            let thread = Thread { [unowned self] in self.work(index, after: seen) }
            thread.name = "qlab-worker-\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
        withoutActuallyEscaping(body) { body in
            // Thread t runs parts t, t + threads, …: every part once, and the same split for the same counts.
            let each: (Int) -> Void = { t in
                var p = t
                while p < parts { body(p); p += threads }
            }
            self.body = UncheckedBody(run: each)
            let before = finished.load(ordering: .relaxed)
            let jobs = state.load(ordering: .relaxed) >> Self.partBits
            state.store(((jobs + 1) << Self.partBits) | threads, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(mutex)
                pthread_cond_broadcast(condition)
                pthread_mutex_unlock(mutex)
            }
            each(0)
            var spins = 0
            while finished.load(ordering: .acquiring) != before + threads - 1 {
                spins += 1
                if spins > 4_096 { sched_yield() }
            }
            self.body = nil
        }
    }

    /// A worker's loop: waits for a job after `seen` (the state when it was started) that has a part for it, runs
    /// it, reports.
    private func work(_ index: Int, after seen: Int) {
        var seen = seen
        while true {
            var current = state.load(ordering: .acquiring)
            if current == seen {
                let deadline = DispatchTime.now().uptimeNanoseconds + Self.spinNanoseconds
                var spins = 0
                while current == seen {
                    spins += 1
                    if spins & 63 == 0 && DispatchTime.now().uptimeNanoseconds > deadline {
                        pthread_mutex_lock(mutex)
                        sleepers.add(1, ordering: .sequentiallyConsistent)
                        while state.load(ordering: .sequentiallyConsistent) == seen {
                            pthread_cond_wait(condition, mutex)
                        }
                        sleepers.subtract(1, ordering: .sequentiallyConsistent)
                        pthread_mutex_unlock(mutex)
                        spins = 0
                    }
                    current = state.load(ordering: .acquiring)
                }
            }
            seen = current
            let threads = current & ((1 << Self.partBits) - 1)
            guard index < threads else { continue }
            runPart(index)
            finished.add(1, ordering: .releasing)
        }
    }

    /// Runs this worker's part; its copy of the body is released before it returns, so that when the caller sees
    /// the part finished no thread holds the body any more (`withoutActuallyEscaping` checks that).
    @inline(never)
    private func runPart(_ index: Int) {
        body?.run(index)
    }
}
