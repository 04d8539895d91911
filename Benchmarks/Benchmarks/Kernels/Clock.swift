#if canImport(Glibc)
import Glibc
#endif

/// Monotonic wall time for throughput figures computed inside a benchmark body.
enum DispatchTimeShim {
    static func now() -> timespec {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return t
    }

    static func seconds(since start: timespec) -> Double {
        let end = now()
        return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) * 1e-9
    }
}
