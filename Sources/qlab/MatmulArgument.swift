import ArgumentParser
import Foundation
import Tensors

/// `--matmul openblas|onednn|auto` anywhere on the command line: read before the command is parsed (the backend is
/// chosen before any product runs, as the BLAS kernel is) and removed so that every command accepts it.
enum MatmulArgument {
    static let flag = "--matmul"

    /// The value of `--matmul`, removing the flag and its value from `arguments`; checked against the names.
    static func extract(from arguments: inout [String]) throws -> String? {
        var value: String?
        var i = 0
        let missing = "\(flag) needs a backend: openblas, onednn or auto"
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { break }
            if a == flag {
                guard i + 1 < arguments.count, !arguments[i + 1].hasPrefix("-") else { throw ValidationError(missing) }
                value = arguments[i + 1]
                arguments.removeSubrange(i...(i + 1))
                continue
            }
            if a.hasPrefix(flag + "=") {
                value = String(a.dropFirst(flag.count + 1))
                guard value?.isEmpty == false else { throw ValidationError(missing) }
                arguments.remove(at: i)
                continue
            }
            i += 1
        }
        if let value {
            do {
                _ = try MatmulBackend.Request(parsing: value)
            } catch {
                throw ValidationError("\(flag): \(error)")
            }
        }
        return value
    }
}
