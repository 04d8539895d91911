import Foundation
import Support
import Tensors

/// Reads battles from JSON Lines: one `{"model_a", "model_b", "winner"}` object a line.
public enum BattleFile {
    /// Reads every battle in the file at `path`, in file order.
    public static func read(path: String) throws(BattleFileError) -> [Battle] {
        let data: Data
        if FileManager.default.fileExists(atPath: path) {
            do { try RegularFile.check(path) } catch { throw .unreadable(file: path, reason: error.message) }
        }
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(file: path, reason: FileManager.default.fileExists(atPath: path)
                ? "cannot be read (\(error.localizedDescription))" : "no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(file: path, reason: "not UTF-8 text")
        }
        return try parse(text, source: path)
    }

    /// Parses JSON Lines `text`; `source` names it in errors. Blank lines are skipped.
    public static func parse(_ text: String, source: String) throws(BattleFileError) -> [Battle] {
        var battles: [Battle] = []
        // Split the bytes on "\n": Swift's Character treats "\r\n" as one character, so splitting the String
        // would glue CRLF lines together. A trailing "\r" is trimmed with the other whitespace below.
        for (index, raw) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let line = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            do {
                battles.append(try parseLine(line))
            } catch {
                throw .malformedLine(file: source, line: index + 1, reason: error.reason)
            }
        }
        return battles
    }

    struct LineError: Error { var reason: String }

    static func parseLine(_ line: String) throws(LineError) -> Battle {
        let json: JSONValue
        do {
            json = try JSONValue.parse(Data(line.utf8))
        } catch {
            throw LineError(reason: "not valid JSON")
        }
        guard json.object != nil else { throw LineError(reason: "expected a JSON object") }
        func name(_ key: String) throws(LineError) -> String {
            guard let value = json[key] else { throw LineError(reason: "missing \"\(key)\"") }
            guard let string = value.string, !string.isEmpty else {
                throw LineError(reason: "\"\(key)\" must be a non-empty string")
            }
            return string
        }
        let a = try name("model_a")
        let b = try name("model_b")
        let winnerText = try name("winner")
        guard a != b else { throw LineError(reason: "\"\(a)\" cannot battle itself") }
        let winner: Battle.Winner
        switch winnerText {
        case "model_a": winner = .modelA
        case "model_b": winner = .modelB
        // FastChat records a tie where both answers were poor as "tie (bothbad)"; for ratings it is a tie.
        case "tie", "tie (bothbad)": winner = .tie
        default:
            throw LineError(reason: "\"winner\" is \"\(winnerText)\"; expected \"model_a\", \"model_b\" or \"tie\"")
        }
        return Battle(modelA: a, modelB: b, winner: winner)
    }
}
