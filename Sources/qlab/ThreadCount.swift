import ArgumentParser
import Foundation

/// `--threads` (and a configuration's `threads`) must name threads this machine can run at once. OpenBLAS
/// clamps what it is given, so a value outside 1…cores would run with another count than the one recorded,
/// and results differ between thread counts.
enum ThreadCount {
    /// The cores this process may use.
    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// Throws a usage error naming the range unless `threads` lies in 1…cores.
    static func validate(_ threads: Int) throws {
        guard threads >= 1, threads <= cores else {
            throw ValidationError("--threads \(threads) is outside 1…\(cores) (the cores of this machine)")
        }
    }
}
