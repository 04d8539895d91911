import Foundation

extension DatasetPreparer {
    /// The fortune files of Debian's `fortunes-zh` (the rest of the folder is English, from `fortunes` and
    /// `fortunes-min`).
    static let chineseFortunes: Set<String> = ["chinese", "song100", "tang300"]

    /// Debian `fortunes` and `fortunes-zh`: `%`-separated entries, ANSI colour codes removed, as plain text.
    func prepareFortunes() throws -> [DatasetManifest.Entry] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: fortunes) else {
            throw MissingSource(reason: "\(fortunes) does not exist (apt-get install fortunes fortunes-zh)")
        }
        // Data files only: no index (.dat), no .u8 aliases (symbolic links to the same files), no folders.
        let files = names.sorted().filter { name in
            guard !name.contains("."), let attributes = try? fm.attributesOfItem(atPath: fortunes + "/" + name) else { return false }
            return attributes[.type] as? FileAttributeType == .typeRegular
        }
        let zh = files.filter { Self.chineseFortunes.contains($0) }
        let en = files.filter { !Self.chineseFortunes.contains($0) }
        guard !zh.isEmpty, !en.isEmpty else {
            throw MissingSource(reason: "\(zh.isEmpty ? "fortunes-zh" : "fortunes") is not installed in \(fortunes)")
        }
        var entries: [DatasetManifest.Entry] = []
        for (name, list, package) in [("fortunes-en", en, "fortunes"), ("fortunes-zh", zh, "fortunes-zh")] {
            var lines: [DataJSONLine] = []
            var escapes = 0, latin1 = 0, empty = 0
            for file in list {
                let path = fortunes + "/" + file
                guard let data = fm.contents(atPath: path) else { throw DataError.unreadable(path: path, reason: "cannot read") }
                let bytes = Array(data)
                let text: String
                if let utf8 = String(validating: bytes, as: UTF8.self) { text = utf8 } else {
                    // Older fortune files are Latin-1; every byte is a character there, so nothing is lost.
                    latin1 += 1
                    text = String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
                }
                for entry in Self.fortuneEntries(text) {
                    let (clean, removed) = Self.stripANSI(entry)
                    escapes += removed
                    let trimmed = clean.split(separator: "\n", omittingEmptySubsequences: false)
                        .map { $0.replacing(/[ \t]+$/, with: "") }.joined(separator: "\n")
                        .trimmingCharacters(in: .newlines)
                    if trimmed.trimmingCharacters(in: .whitespaces).isEmpty { empty += 1; continue }
                    lines.append(.object([("text", .string(trimmed)), ("source", .string(file))]))
                }
            }
            let written = try write(lines, to: "\(name)/corpus.jsonl", role: "all")
            let copyright = package == "fortunes" ? "/usr/share/doc/fortunes/copyright" : "/usr/share/doc/fortunes-zh/copyright"
            if let text = fm.contents(atPath: copyright) { try writeLicence(Array(text), to: "\(name)/COPYRIGHT") }
            let version = debianVersion(package) ?? "unknown version"
            entries.append(DatasetManifest.Entry(
                name: name, format: "text", source: "Debian \(package) \(version), \(fortunes)/{\(list.joined(separator: ","))}",
                licence: package == "fortunes" ? "BSD (fortune-mod; see \(name)/COPYRIGHT)" : "GPL-3.0+ (see \(name)/COPYRIGHT)",
                description: package == "fortunes" ? "English quotations and jokes, one fortune per record, for pre-training"
                    : "Tang poems, Song ci and classical Chinese, one entry per record, for pre-training",
                files: [written],
                counts: ["files": list.count, "entries": lines.count, "ANSI escape sequences removed": escapes,
                         "files read as Latin-1": latin1, "empty entries skipped": empty]))
        }
        return entries
    }

    /// Entries of a fortune file: the text between lines holding only `%`.
    static func fortuneEntries(_ text: String) -> [String] {
        var entries: [String] = []
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let bare = line.hasSuffix("\r") ? line.dropLast() : line
            if bare == "%" {
                entries.append(current.joined(separator: "\n"))
                current = []
            } else {
                current.append(bare)
            }
        }
        entries.append(current.joined(separator: "\n"))
        return entries
    }

    /// `text` without ANSI escape sequences (CSI `ESC [ … final`, and two-byte `ESC x`), and how many there were.
    static func stripANSI(_ text: String) -> (String, Int) {
        var out = String.UnicodeScalarView()
        var removed = 0
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            if scalars[i] == "\u{1B}" {
                removed += 1
                i += 1
                if i < scalars.count && scalars[i] == "[" {
                    i += 1
                    while i < scalars.count && !(0x40...0x7E).contains(scalars[i].value) { i += 1 }
                }
                i += 1
                continue
            }
            out.append(scalars[i])
            i += 1
        }
        return (String(out), removed)
    }
}
