/// Element-wise and row-wise work split across the cores the BLAS uses.
///
/// With two BLAS threads, every loop between two matrix products used to run on one core while the BLAS's
/// second thread waited. Here the loop's range is cut into as many contiguous parts as there are BLAS threads,
/// and each part runs on its own core, on `WorkerPool`'s threads (the ones the products run on). Each element or row is computed by exactly the same operations as in a
/// single loop, so the bits do not depend on the split (nor on the thread count); only the loops whose items are
/// independent may use it.
public enum Parallel {
    /// Below this many items a loop is not split: starting a thread costs more than it saves.
    public static let defaultMinimumPerPart = 4_096

    /// Calls `body` once per part of `0..<count`: one part when BLAS runs single-threaded or `count` is small,
    /// else one per BLAS thread, concurrently. `cost` is the work of one item in elementary operations (a row of
    /// width d costs about d), so that short rows are not split too finely.
    public static func forEachPart(_ count: Int, cost: Int = 1, minimumPerPart: Int = defaultMinimumPerPart,
                                   _ body: (Range<Int>) -> Void) {
        let parts = min(BLAS.threads, max(1, count * max(1, cost) / max(1, minimumPerPart)), max(1, count))
        if parts <= 1 {
            body(0..<count)
            return
        }
        WorkerPool.shared.run(parts: parts) { part in
            body((count * part / parts)..<(count * (part + 1) / parts))
        }
    }
}
