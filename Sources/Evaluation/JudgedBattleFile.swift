import Foundation
import Support
import Tensors

/// One judge's verdicts, to be compared with another's on the same battles: JSON lines of
/// `{"question_id" (or "prompt_id"), "model_a", "model_b", "winner"}` (FastChat's judgment files have these; a
/// `"turn"` is part of the battle when present). A battle is the prompt and the two models in the order shown.
public enum JudgedBattleFile {
    /// A verdict and the battle it is on.
    public struct Verdict: Sendable, Equatable {
        /// `prompt|model_a|model_b[|turn]`.
        public var key: String
        public var battle: Battle
        public var line: Int
    }

    /// The verdicts of the file at `path`; a battle judged twice in one file is an error naming both lines.
    public static func read(path: String) throws(BattleFileError) -> [Verdict] {
        let lines: [(Int, String)]
        do { lines = try BoundedTextLines.read(path) } catch { throw .unreadable(file: path, reason: error.reason) }
        var verdicts: [Verdict] = []
        var seen: [String: Int] = [:]
        for (number, raw) in lines {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let battle: Battle
            do { battle = try BattleFile.parseLine(line) } catch { throw .malformedLine(file: path, line: number, reason: error.reason) }
            guard let json = try? JSONValue.parse(Data(line.utf8)) else { throw .malformedLine(file: path, line: number, reason: "not valid JSON") }
            func text(_ key: String) -> String? {
                guard let v = json[key] else { return nil }
                if let s = v.string { return s }
                if let d = v.double { return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d) }
                return nil
            }
            guard let prompt = text("question_id") ?? text("prompt_id") else {
                throw .malformedLine(file: path, line: number, reason: "missing \"question_id\" (or \"prompt_id\"): the battle must name its prompt")
            }
            var key = "\(prompt)|\(battle.modelA)|\(battle.modelB)"
            if let turn = text("turn") { key += "|\(turn)" }
            if let first = seen[key] {
                throw .malformedLine(file: path, line: number, reason: "the battle of line \(first) is judged again")
            }
            seen[key] = number
            verdicts.append(Verdict(key: key, battle: battle, line: number))
        }
        return verdicts
    }

    /// A verdict as a category: 0 the first model shown wins, 1 the second, 2 a tie.
    public static func category(_ winner: Battle.Winner) -> Int {
        switch winner {
        case .modelA: 0
        case .modelB: 1
        case .tie: 2
        }
    }
}

/// Lines of a text file, bounded in size (a crafted file must not exhaust memory).
enum BoundedTextLines {
    struct Failure: Error { var reason: String }

    static func read(_ path: String, maxBytes: Int = 256 << 20) throws(Failure) -> [(Int, String)] {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { throw Failure(reason: "no such file") }
        guard attributes[.type] as? FileAttributeType == .typeRegular else { throw Failure(reason: "not a regular file") }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maxBytes else { throw Failure(reason: "\(size) bytes, more than the \(maxBytes) a judgment file may have") }
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(reason: "cannot be read") }
        guard let text = String(validating: Array(data), as: UTF8.self) else { throw Failure(reason: "not UTF-8 text") }
        return text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
            .map { ($0 + 1, String(decoding: $1, as: UTF8.self)) }
    }
}
