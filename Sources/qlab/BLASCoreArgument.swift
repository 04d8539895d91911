import ArgumentParser

/// `--blas-core NAME` anywhere on the command line: read before the command is parsed (the kernel must be chosen
/// before any command runs) and removed so that every command accepts it.
enum BLASCoreArgument {
    static let flag = "--blas-core"

    /// The value of `--blas-core`, removing the flag and its value from `arguments`.
    static func extract(from arguments: inout [String]) throws -> String? {
        var value: String?
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { break }
            if a == flag {
                guard i + 1 < arguments.count, !arguments[i + 1].hasPrefix("-") else {
                    throw ValidationError("\(flag) needs a kernel name (e.g. SkylakeX, Haswell), auto or default")
                }
                value = arguments[i + 1]
                arguments.removeSubrange(i...(i + 1))
                continue
            }
            if a.hasPrefix(flag + "=") {
                value = String(a.dropFirst(flag.count + 1))
                guard value?.isEmpty == false else {
                    throw ValidationError("\(flag) needs a kernel name (e.g. SkylakeX, Haswell), auto or default")
                }
                arguments.remove(at: i)
                continue
            }
            i += 1
        }
        return value
    }
}
