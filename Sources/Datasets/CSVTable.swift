import Foundation

/// Records of an RFC 4180 CSV file: fields separated by commas, records by CRLF or LF, a field in double quotes
/// may hold commas, line breaks and doubled quotes. Reading is bounded so that a crafted file cannot exhaust
/// memory: the file, each field and the fields of a record have limits, and passing one is an error naming the
/// file and line.
public enum CSVTable {
    /// One record and the line of the file it starts on (counted from 1).
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var fields: [String]
    }

    /// The bounds a file must stay within.
    public struct Limits: Sendable {
        public var fileBytes: Int
        public var fieldBytes: Int
        public var fieldsPerRecord: Int
        /// 256 MiB a file, 1 MiB a field, 64 fields a record: far above any benchmark, far below the machine's memory.
        public static let standard = Limits(fileBytes: 256 << 20, fieldBytes: 1 << 20, fieldsPerRecord: 64)
        public init(fileBytes: Int, fieldBytes: Int, fieldsPerRecord: Int) {
            self.fileBytes = fileBytes
            self.fieldBytes = fieldBytes
            self.fieldsPerRecord = fieldsPerRecord
        }
    }

    /// The records of the file at `path`; empty lines between records are skipped.
    public static func read(path: String, limits: Limits = .standard) throws -> [Record] {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw DataError.unreadable(path: path, reason: "no such file")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else { throw DataError.unreadable(path: path, reason: "not a regular file") }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= limits.fileBytes else {
            throw DataError.unreadable(path: path, reason: "\(size) bytes, more than the \(limits.fileBytes) a CSV file may have")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw DataError.unreadable(path: path, reason: "cannot read") }
        return try parse(Array(data), path: path, limits: limits)
    }

    /// The records of `bytes` (UTF-8, an optional byte-order mark first); `path` names them in errors.
    public static func parse(_ bytes: [UInt8], path: String, limits: Limits = .standard) throws -> [Record] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var recordLine = 1
        func text(_ bytes: [UInt8]) throws -> String {
            guard let s = String(validating: bytes, as: UTF8.self) else {
                throw DataError.malformedLine(path: path, line: line, reason: "a field is not valid UTF-8")
            }
            return s
        }
        func append(_ byte: UInt8) throws {
            guard field.count < limits.fieldBytes else {
                throw DataError.malformedLine(path: path, line: recordLine, reason: "a field longer than \(limits.fieldBytes) bytes")
            }
            field.append(byte)
        }
        func endField() throws {
            guard fields.count < limits.fieldsPerRecord else {
                throw DataError.malformedLine(path: path, line: recordLine, reason: "more than \(limits.fieldsPerRecord) fields in a record")
            }
            fields.append(try text(field))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() throws {
            try endField()
            // A line with nothing on it is no record.
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }
        var atFieldStart = true
        while i < bytes.count {
            let b = bytes[i]
            if atFieldStart && b == quote {
                // A quoted field: until a quote that is not doubled.
                let opened = line
                i += 1
                var closed = false
                while i < bytes.count {
                    let c = bytes[i]
                    if c == quote {
                        if i + 1 < bytes.count && bytes[i + 1] == quote { try append(quote); i += 2; continue }
                        closed = true
                        i += 1
                        break
                    }
                    if c == lf { line += 1 }
                    try append(c)
                    i += 1
                }
                guard closed else {
                    throw DataError.malformedLine(path: path, line: opened, reason: "a quoted field is not closed before the end of the file")
                }
                atFieldStart = false
                if i < bytes.count, bytes[i] != comma, bytes[i] != lf, !(bytes[i] == cr && i + 1 < bytes.count && bytes[i + 1] == lf) {
                    throw DataError.malformedLine(path: path, line: line, reason: "a closing quote must be followed by a comma or the end of the line")
                }
                continue
            }
            atFieldStart = false
            if b == comma {
                try endField()
                atFieldStart = true
                i += 1
            } else if b == lf || (b == cr && i + 1 < bytes.count && bytes[i + 1] == lf) {
                try endRecord()
                i += b == cr ? 2 : 1
                line += 1
                recordLine = line
                atFieldStart = true
            } else {
                try append(b)
                i += 1
            }
        }
        if !atFieldStart || !field.isEmpty || !fields.isEmpty { try endRecord() }
        return records
    }

    /// `records` as CSV text with LF line ends; a field is quoted when it holds a comma, a quote or a line break.
    public static func encode(_ records: [[String]]) -> String {
        var out = ""
        for record in records {
            out += record.map { field in
                guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
                return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }.joined(separator: ",")
            out += "\n"
        }
        return out
    }
}

extension CSVTable {
    /// The lines of a UTF-8 text file with their numbers (from 1), under the same size limit as a CSV file.
    public static func readLines(path: String, limits: Limits = .standard) throws -> [(Int, String)] {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw DataError.unreadable(path: path, reason: "no such file")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else { throw DataError.unreadable(path: path, reason: "not a regular file") }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= limits.fileBytes else {
            throw DataError.unreadable(path: path, reason: "\(size) bytes, more than the \(limits.fileBytes) a benchmark file may have")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw DataError.unreadable(path: path, reason: "cannot read") }
        guard let text = String(validating: Array(data), as: UTF8.self) else { throw DataError.unreadable(path: path, reason: "not UTF-8 text") }
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { ($0 + 1, String($1)) }
    }
}
