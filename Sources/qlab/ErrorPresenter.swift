import Support
import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Every command's failure in one form, `qlab: error: PATH: what is wrong` (with `:LINE` after the path
/// where there is one), and one table of exit statuses (the README lists it).
///
/// Errors while parsing the command line keep swift-argument-parser's presentation, which shows the usage;
/// errors of a command that parsed are about its inputs, not its usage, and show none.
extension QLab {
    /// Exit statuses besides 0 (success); `qlab cell run` adds `GridRunner.claimedExitCode` and 128 + signal.
    enum Exit {
        /// The command failed; the message says why.
        static let failure: Int32 = 1
        /// Training ended without completing: it diverged. (Also, before any command: the BLAS kernel could
        /// not be chosen or checked.)
        static let diverged: Int32 = 2
        /// A command-line value was not acceptable (as swift-argument-parser reports usage errors).
        static let usage: Int32 = 64
    }

    /// Parses `arguments` (the command line without the program name) and runs the command, presenting its
    /// errors; never returns.
    static func runPresentingErrors(_ arguments: [String]) -> Never {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exit(withError: error)
        }
        do {
            var runnable = command
            try runnable.run()
        } catch let exit as ExitCode {
            Glibc.exit(exit.rawValue)
        } catch let error as CleanExit {
            exit(withError: error)
        } catch where exitCode(for: error) == .success {
            // `--help` and `qlab help X` parse into swift-argument-parser's own help command, whose run
            // signals the help request as an error: its presentation prints the help.
            exit(withError: error)
        } catch {
            StandardError.write(Data("qlab: error: \(present(error))\n".utf8))
            Glibc.exit(error is ValidationError ? Exit.usage : Exit.failure)
        }
        Glibc.exit(0)
    }

    /// The message of an error: its path first where it names one.
    static func present(_ error: any Error) -> String {
        switch error {
        case let error as ValidationError:
            return error.message
        case let error as DecodingError:
            return describe(error)
        case let error as EncodingError:
            if case let .invalidValue(value, context) = error {
                return "cannot write the value \(value)\(context.codingPath.isEmpty ? "" : " of " + context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
            }
            return "\(error)"
        case let error as CocoaError:
            return describe(error)
        default:
            let nsError = error as NSError
            if nsError.domain == NSCocoaErrorDomain { return describe(CocoaError(_nsError: nsError)) }
            return "\(error)"
        }
    }

    /// A Foundation file error as `PATH: reason`, without the domain, code and user-info dump.
    static func describe(_ error: CocoaError) -> String {
        let path = error.filePath ?? error.url?.path
        let underlying = (error.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? Int32($0.code) : nil }
        var reason: String
        switch error.code {
        case .fileWriteFileExists: reason = "already exists (and is not a directory that can be used)"
        case .fileNoSuchFile, .fileReadNoSuchFile: reason = "no such file or directory"
        case .fileWriteOutOfSpace: return "no space left on device writing \(path ?? "a file")"
        case .fileReadNoPermission, .fileWriteNoPermission: reason = "permission denied"
        case .fileWriteVolumeReadOnly: reason = "the file system is read-only"
        default: reason = underlying.map { String(cString: strerror($0)) } ?? error.localizedDescription
        }
        if let code = underlying, code == ENOSPC || code == EDQUOT { return "no space left on device writing \(path ?? "a file")" }
        if let code = underlying, code == ENOTDIR { reason = "a part of the path is a file, not a directory" }
        return path.map { "\($0): \(reason)" } ?? reason
    }

    static func describe(_ error: DecodingError) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return keys.isEmpty ? "" : " at \(keys)"
        }
        switch error {
        case let .keyNotFound(key, context): return "missing key \(key.stringValue)\(at(context))"
        case let .typeMismatch(type, context): return "expected \(type)\(at(context))"
        case let .valueNotFound(type, context): return "missing \(type) value\(at(context))"
        case let .dataCorrupted(context): return "\(context.debugDescription)\(at(context))"
        @unknown default: return "\(error)"
        }
    }
}
