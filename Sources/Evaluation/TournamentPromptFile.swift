import Foundation
import Support
import Tensors

/// Tournament prompts from a file in Vicuna's layout: JSON lines of `{"question_id", "category", "text"}` (the
/// QLoRA paper's Vicuna and OA benchmarks come this way). A prompt's id is its `question_id`; ids must be unique.
public enum TournamentPromptFile {
    /// One prompt and its category.
    public struct Entry: Sendable, Equatable {
        public var prompt: TournamentPrompt
        public var category: String?
    }

    /// The prompts of the file at `path`, in file order; errors name the file and line.
    public static func read(path: String) throws(TournamentError) -> [Entry] {
        let lines: [(Int, String)]
        do { lines = try BoundedTextLines.read(path) } catch { throw .invalidInput("\(path): \(error.reason)") }
        var entries: [Entry] = []
        var seen: [String: Int] = [:]
        for (number, raw) in lines {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            guard let json = try? JSONValue.parse(Data(line.utf8)), json.object != nil else {
                throw .invalidInput("\(path):\(number): not a JSON object")
            }
            let id: String
            if let s = json["question_id"]?.string, !s.isEmpty { id = s } else if let d = json["question_id"]?.double, d == d.rounded(), abs(d) < 1e15 {
                id = String(Int(d))
            } else {
                throw .invalidInput("\(path):\(number): \"question_id\" must be a string or a whole number")
            }
            guard let text = json["text"]?.string, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .invalidInput("\(path):\(number): \"text\" must be a non-empty string")
            }
            if let first = seen[id] { throw .invalidInput("\(path):\(number): question_id \(id) was already used on line \(first)") }
            seen[id] = number
            entries.append(Entry(prompt: TournamentPrompt(id: id, prompt: text), category: json["category"]?.string))
        }
        guard !entries.isEmpty else { throw .invalidInput("\(path): holds no prompt") }
        return entries
    }
}
