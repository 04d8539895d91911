import Foundation
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks any program: the request as JSON on stdin, the verdict on stdout. This is how a local LLM judge plugs in.
///
/// The program reads one JSON object, `{"prompt": …, "answer_a": …, "answer_b": …, "reference": …}` (`reference`
/// only when the prompt has one), and prints `A`, `B` or `tie` (any case, surrounding whitespace ignored), then
/// exits 0. Anything else is a failed judgment with the reason and the raw stdout recorded, never a tie: running
/// past the timeout (the program and everything it started are killed), a non-zero exit, death by a signal, or
/// any other output. The program runs in its own process group with the environment of this process.
public struct CommandJudge: Judge {
    /// The program's path.
    public var executable: String
    /// Arguments passed after the program name.
    public var arguments: [String]
    /// How long one judgment may take before the program is killed.
    public var timeout: Duration
    /// Stdout bytes kept as raw output; a verdict is a few bytes, so anything longer is garbage.
    public var outputLimit: Int

    /// A judge running `executable` with `arguments`, each judgment allowed `timeout` (30 s by default).
    public init(executable: String, arguments: [String] = [], timeout: Duration = .seconds(30), outputLimit: Int = 64 * 1024) {
        self.executable = executable
        self.arguments = arguments
        self.timeout = timeout
        self.outputLimit = outputLimit
    }

    /// `command:` followed by the program and its arguments.
    public var spec: String { JudgeSpec.command(program: executable, arguments: arguments).description }

    /// The JSON object sent on stdin, keys sorted so that the bytes are the same on every run.
    public static func input(for request: JudgeRequest) -> [UInt8] {
        struct Payload: Encodable {
            var prompt: String
            var answer_a: String
            var answer_b: String
            var reference: String?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let payload = Payload(prompt: request.prompt, answer_a: request.answerA, answer_b: request.answerB,
                              reference: request.reference)
        // Encoding strings and an optional string cannot fail.
        return Array((try? encoder.encode(payload)) ?? Data()) + [UInt8(ascii: "\n")]
    }

    /// Runs the program once; every way it can go wrong is a `.failed` outcome naming what happened.
    public func judge(_ request: JudgeRequest) -> JudgeVerdict {
        var program = ExternalProgram(executable, arguments)
        program.input = Self.input(for: request)
        program.timeout = timeout
        program.outputLimit = outputLimit
        program.errorLimit = 8 * 1024
        let result: ExternalProgram.Result
        do {
            result = try program.run()
        } catch {
            return JudgeVerdict(outcome: .failed(reason: error.description), rawOutput: "")
        }
        var raw = String(decoding: result.stdout, as: UTF8.self)
        if result.stdoutBytes > result.stdout.count {
            raw += "\n[… \(result.stdoutBytes - result.stdout.count) more bytes not kept]"
        }
        let errorText = String(decoding: result.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let stderrNote = errorText.isEmpty ? "" : "; stderr: " + String(errorText.suffix(500))
        let outcome: JudgmentOutcome
        switch result.termination {
        case .timedOut:
            outcome = .failed(reason: "timed out after \(Self.describe(timeout)) and was killed\(stderrNote)")
        case .signaled(let signal):
            outcome = .failed(reason: "killed by signal \(signal)\(Self.signalName(signal).map { " (\($0))" } ?? "")\(stderrNote)")
        case .statusLost:
            outcome = .failed(reason: "its exit status could not be collected (is SIGCHLD ignored in this process?)\(stderrNote)")
        case .exited(let code) where code != 0:
            outcome = .failed(reason: "exited with status \(code)\(stderrNote)")
        case .exited:
            outcome = Self.parse(raw, totalBytes: result.stdoutBytes)
        }
        return JudgeVerdict(outcome: outcome, rawOutput: raw)
    }

    /// The verdict in a program's stdout: `A`, `B` or `tie`, any case, surrounded by any whitespace.
    public static func parse(_ output: String, totalBytes: Int? = nil) -> JudgmentOutcome {
        let verdict = output.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        switch verdict {
        case "a": return .a
        case "b": return .b
        case "tie": return .tie
        default:
            let bytes = totalBytes ?? output.utf8.count
            if verdict.isEmpty { return .failed(reason: "printed nothing; expected A, B or tie") }
            let shown = verdict.count > 80 ? String(verdict.prefix(80)) + "…" : verdict
            return .failed(reason: "printed \(bytes) bytes (\"\(shown)\"), not A, B or tie")
        }
    }

    static func describe(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }

    static func signalName(_ signal: Int32) -> String? {
        let names: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGABRT: "SIGABRT",
            SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM",
            SIGTERM: "SIGTERM", SIGBUS: "SIGBUS", SIGTRAP: "SIGTRAP", SIGUSR1: "SIGUSR1", SIGUSR2: "SIGUSR2",
        ]
        return names[signal]
    }
}
