import Foundation
import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A judge named by a string, as a user writes it: `reference`, `command:PROG [ARGS]` or `human:FILE`.
///
/// The command line after `command:` is split into words like a shell does it, without expansion: whitespace
/// separates words, `'…'` quotes literally, `"…"` quotes with `\"` and `\\` escapes, and a backslash outside
/// quotes escapes the next character. A program without a slash is looked up on `PATH`.
public enum JudgeSpec: Sendable, Hashable, CustomStringConvertible {
    /// The built-in reference judge.
    case reference
    /// A program, with its arguments, that prints A, B or tie.
    case command(program: String, arguments: [String])
    /// Judgments imported from a CSV or JSONL file.
    case human(file: String)

    /// Parses `text`; the error says what was expected.
    public static func parse(_ text: String) throws(JudgeError) -> JudgeSpec {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "reference" { return .reference }
        if trimmed.hasPrefix("command:") {
            let words = try splitWords(String(trimmed.dropFirst("command:".count)), spec: text)
            guard let program = words.first else {
                throw .invalidSpec(spec: text, reason: "no program after \"command:\"; write command:/path/to/judge [ARGS]")
            }
            return .command(program: program, arguments: Array(words.dropFirst()))
        }
        if trimmed.hasPrefix("human:") {
            let file = String(trimmed.dropFirst("human:".count))
            guard !file.isEmpty else {
                throw .invalidSpec(spec: text, reason: "no file after \"human:\"; write human:judgments.csv or human:judgments.jsonl")
            }
            return .human(file: file)
        }
        let name = trimmed.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        throw .invalidSpec(spec: text, reason: name.isEmpty
            ? "empty; expected reference, command:PROG [ARGS] or human:FILE"
            : "unknown judge \"\(name)\"; expected reference, command:PROG [ARGS] or human:FILE")
    }

    /// Parses `text` and makes the judge; `timeout` bounds each run of a command judge.
    public static func makeJudge(_ text: String, timeout: Duration = .seconds(30)) throws(JudgeError) -> any Judge {
        try parse(text).makeJudge(timeout: timeout)
    }

    /// The judge this spec names: the program is resolved, the judgments file read.
    public func makeJudge(timeout: Duration = .seconds(30)) throws(JudgeError) -> any Judge {
        switch self {
        case .reference:
            return ReferenceJudge()
        case .command(let program, let arguments):
            guard timeout > .zero else {
                throw .invalidSpec(spec: description, reason: "the timeout must be positive, not \(timeout)")
            }
            return CommandJudge(executable: try Self.resolve(program), arguments: arguments, timeout: timeout)
        case .human(let file):
            return try HumanJudge(files: [file])
        }
    }

    /// The canonical spec string; `parse` reads it back to the same value.
    public var description: String {
        switch self {
        case .reference: "reference"
        case .command(let program, let arguments): "command:" + ([program] + arguments).map(Self.quoted).joined(separator: " ")
        case .human(let file): "human:" + file
        }
    }

    /// `word` as one shell-style word: unchanged when it needs no quoting, otherwise in single quotes.
    static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || $0.properties.numericType != nil || "/._-+=:,@%".unicodeScalars.contains($0)
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func splitWords(_ text: String, spec: String) throws(JudgeError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = text.makeIterator()
        while let c = iterator.next() {
            switch c {
            case _ where c.isWhitespace:
                if inWord { words.append(current); current = ""; inWord = false }
            case "'":
                inWord = true
                var closed = false
                while let q = iterator.next() {
                    if q == "'" { closed = true; break }
                    current.append(q)
                }
                guard closed else { throw .invalidSpec(spec: spec, reason: "a single quote is never closed") }
            case "\"":
                inWord = true
                var closed = false
                while let q = iterator.next() {
                    if q == "\"" { closed = true; break }
                    if q == "\\" {
                        guard let escaped = iterator.next() else { break }
                        if escaped != "\"" && escaped != "\\" { current.append("\\") }
                        current.append(escaped)
                    } else {
                        current.append(q)
                    }
                }
                guard closed else { throw .invalidSpec(spec: spec, reason: "a double quote is never closed") }
            case "\\":
                guard let escaped = iterator.next() else {
                    throw .invalidSpec(spec: spec, reason: "a backslash ends the command; it must escape a character")
                }
                inWord = true
                current.append(escaped)
            default:
                inWord = true
                current.append(c)
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// The executable path of `program`: checked as given when it has a slash, otherwise searched on PATH.
    static func resolve(_ program: String) throws(JudgeError) -> String {
        if program.contains("/") {
            guard FileManager.default.fileExists(atPath: program) else {
                throw .programNotFound(program: program, reason: "no such file")
            }
            guard access(program, X_OK) == 0 else { throw .programNotFound(program: program, reason: "not executable") }
            return program
        }
        let path = ProgramSearch.searchPath()
        if let found = ProgramSearch.find(program, searchPath: path) { return found }
        throw .programNotFound(program: program, reason: "not found on PATH (\(path))")
    }
}
