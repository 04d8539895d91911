import Foundation

/// Runs gnuplot on a script file in the script's directory, so that the script's relative data paths work.
public struct Gnuplot: Sendable {
    /// The program found.
    public let executable: String
    /// Longest a single script may take.
    public var timeout: Double = 120

    /// Finds `program` (a path, or a name on the PATH); throws `gnuplotMissing` with install advice if absent.
    public init(program: String = "gnuplot") throws {
        let fm = FileManager.default
        if program.contains("/") {
            guard fm.isExecutableFile(atPath: program) else { throw ReportError.gnuplotMissing(searched: program) }
            executable = program
            return
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init)
        guard let found = directories.map({ $0 + "/" + program }).first(where: fm.isExecutableFile(atPath:)) else {
            throw ReportError.gnuplotMissing(searched: "\(program) on PATH \(path)")
        }
        executable = found
    }

    /// Renders `script` (a path); returns what gnuplot printed as warnings, throws with its errors on failure.
    @discardableResult
    public func render(script: String) throws -> String {
        let url = URL(fileURLWithPath: script)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [url.lastPathComponent]
        process.currentDirectoryURL = url.deletingLastPathComponent()
        // gnuplot reads standard input after a script in some builds; an empty one keeps it from waiting.
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            throw ReportError.gnuplotMissing(searched: "\(executable) (\(error))")
        }
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        let message = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL {
            throw ReportError.gnuplotTimedOut(script: script, seconds: timeout)
        }
        guard process.terminationStatus == 0 else {
            throw ReportError.gnuplotFailed(script: script, status: process.terminationStatus, message: message)
        }
        return message
    }
}
