import Foundation
import Support

/// Runs gnuplot on a script file in the script's directory, so that the script's relative data paths work.
public struct Gnuplot: Sendable {
    /// The program found.
    public let executable: String
    /// Longest a single script may take.
    public var timeout: Double = 120

    /// Finds `program` (a path, or a name on the PATH); throws `gnuplotMissing` with install advice if absent.
    public init(program: String = "gnuplot") throws {
        if program.contains("/") {
            guard ProgramSearch.isExecutableFile(program) else { throw ReportError.gnuplotMissing(searched: program) }
            executable = program
            return
        }
        let path = ProgramSearch.searchPath()
        guard let found = ProgramSearch.find(program, searchPath: path) else {
            throw ReportError.gnuplotMissing(searched: "\(program) on PATH \(path)")
        }
        executable = found
    }

    /// Renders `script` (a path); returns what gnuplot printed as warnings, throws with its errors on failure.
    @discardableResult
    public func render(script: String) throws -> String {
        let url = URL(fileURLWithPath: script)
        // stdin is empty: gnuplot reads standard input after a script in some builds; an empty one keeps it from
        // waiting.
        var program = ExternalProgram(executable, [url.lastPathComponent])
        program.workingDirectory = url.deletingLastPathComponent().path
        program.timeout = .milliseconds(Int64(timeout * 1000))
        let result: ExternalProgram.Result
        do {
            result = try program.run()
        } catch {
            throw ReportError.gnuplotMissing(searched: "\(executable) (\(error.reason))")
        }
        // gnuplot writes its warnings and errors to stderr; stdout is normally empty, since the chart goes to a file.
        let message = [result.output, result.errorOutput]
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
            .joined(separator: "\n")
        switch result.termination {
        case .timedOut:
            throw ReportError.gnuplotTimedOut(script: script, seconds: timeout)
        case .signaled(let signal):
            throw ReportError.gnuplotFailed(script: script, status: 128 + signal, message: message)
        case .statusLost:
            throw ReportError.gnuplotFailed(script: script, status: -1, message: "its exit status could not be collected (is SIGCHLD ignored in this process?)\n" + message)
        case .exited(let status) where status != 0:
            throw ReportError.gnuplotFailed(script: script, status: status, message: message)
        case .exited:
            return message
        }
    }
}
