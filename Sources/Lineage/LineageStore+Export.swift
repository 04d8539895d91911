import Support
import Foundation
import GRDB

/// A store's rows for some experiments as text: one JSON object per line, diffable and small enough to commit.
///
/// The first line names the format and the experiments; every other line is `{"table": T, "row": {column: value}}`,
/// tables in the order their references need (experiments, cells, experiment_cells, runs, metrics, inputs,
/// judgments, ratings), rows in the order they were recorded. Artifacts are left out: they name files on the
/// machine that ran the cells, which a reader of the export does not have. Importing the lines into an empty store
/// gives back the same rows in the same order, so whatever reads the store (a report) reads the same.
public enum LineageExport {
    /// The first line's `format`.
    public static let format = "qlab-lineage-export"
    /// The first line's `version`.
    public static let version: Int64 = 1
    /// The tables an export carries, in the order their rows are written and inserted.
    public static let tables = ["experiments", "cells", "experiment_cells", "runs", "metrics", "inputs", "judgments", "ratings"]
    /// Columns that identify a row of each table: a row already in the store with these values must be the same row.
    static let keys: [String: [String]] = [
        "experiments": ["name"], "cells": ["id"], "experiment_cells": ["experiment", "cell"], "runs": ["id"],
        "metrics": ["run", "name", "step"], "inputs": ["run", "role", "path"],
        // A judgment's id is its row number in the store it was made in: two stores number theirs from 1, so a
        // judgment is known by what it records, and takes the next free id where it lands.
        "judgments": ["tournament", "prompt", "cell_a", "run_a", "cell_b", "run_b", "presentation_order", "judge", "created"],
        "ratings": ["tournament", "cell", "method"],
    ]

    /// What an import found.
    public struct Contents: Sendable, Equatable {
        /// The experiments the export holds.
        public var experiments: [String]
        /// Extra records by experiment (the overrides a grid was last run with), as their text.
        public var overrides: [String: String]
        /// Rows inserted, by table.
        public var inserted: [String: Int]
        /// Rows that were in the store already, identical, by table.
        public var present: [String: Int]
    }

    /// The header line's experiments, without reading the rest (for choosing an export by what it holds).
    public static func experiments(inExportAt path: String) throws -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LineageError.fileAccess(path: path, message: "cannot be read")
        }
        defer { try? handle.close() }
        // The header is one short line at the start.
        let start = (try? handle.read(upToCount: 1 << 16)) ?? Data()
        let line = String(decoding: start.prefix { $0 != 0x0A }, as: UTF8.self)
        return try header(line, path: path)
    }

    public static func header(_ line: String, path: String) throws -> [String] {
        guard case .object(let h)? = try? JSONValue.parse(line, what: path),
              h["format"] == .string(format) else {
            throw LineageError.malformedFile(path: path, line: 1, message: "not a lineage export (its first line must name the format \"\(format)\")")
        }
        guard h["version"] == .integer(version) else {
            throw LineageError.malformedFile(path: path, line: 1, message: "export version \(h["version"]?.canonicalText() ?? "missing"); this qlab reads version \(version)")
        }
        guard case .array(let names)? = h["experiments"] else {
            throw LineageError.malformedFile(path: path, line: 1, message: "\"experiments\" is missing or not a list")
        }
        return try names.map {
            guard case .string(let s) = $0 else { throw LineageError.malformedFile(path: path, line: 1, message: "an experiment name is not a string") }
            return s
        }
    }
}

extension LineageStore {
    /// The export of `experiments` (each must be in the store), with `overrides` (experiment → text) carried along.
    public func exportLineage(experiments names: [String], overrides: [String: String] = [:]) throws -> String {
        let experiments = Array(Set(names)).sorted()
        return try perform("export lineage") { try pool.read { db in
            for name in experiments where try Row.fetchOne(db, sql: "SELECT 1 FROM experiments WHERE name = ?", arguments: [name]) == nil {
                throw LineageError.invalidValue(field: "experiment", value: name, reason: "not in the store")
            }
            let marks = experiments.map { _ in "?" }.joined(separator: ",")
            let names = StatementArguments(experiments)
            var cells = Set(try String.fetchAll(db, sql: "SELECT cell FROM experiment_cells WHERE experiment IN (\(marks))", arguments: names))
            // Judgments and ratings of those cells, and the other cells they name (a tournament may set cells of
            // several experiments against each other).
            let judgmentRows = try Row.fetchAll(db, sql: "SELECT rowid AS _order, * FROM judgments ORDER BY rowid")
                .filter { cells.contains($0["cell_a"]) || cells.contains($0["cell_b"]) }
            let tournaments = Set(judgmentRows.map { $0["tournament"] as String })
            let ratingRows = try Row.fetchAll(db, sql: "SELECT rowid AS _order, * FROM ratings ORDER BY rowid")
                .filter { tournaments.contains($0["tournament"]) || cells.contains($0["cell"]) }
            for r in judgmentRows { cells.insert(r["cell_a"]); cells.insert(r["cell_b"]) }
            for r in ratingRows { cells.insert(r["cell"]) }
            let runRows = try Row.fetchAll(db, sql: "SELECT rowid AS _order, * FROM runs ORDER BY rowid").filter { cells.contains($0["cell"]) }
            let runs = Set(runRows.map { $0["id"] as String })

            var out = JSONValue.object([
                "format": .string(LineageExport.format), "version": .integer(LineageExport.version),
                "experiments": .array(experiments.map(JSONValue.string)),
            ]).canonicalText() + "\n"
            func emit(_ table: String, _ rows: [Row]) throws {
                for row in rows {
                    var object: [String: JSONValue] = [:]
                    for (column, value) in row where column != "_order" {
                        var v = try Self.exportValue(value, table: table, column: column)
                        if table == "inputs", column == "path", case .string(let p) = v { v = .string(paths.kept(p)) }
                        object[column] = v
                    }
                    out += JSONValue.object(["table": .string(table), "row": .object(object)]).canonicalText() + "\n"
                }
            }
            try emit("experiments", try Row.fetchAll(db, sql: "SELECT rowid AS _order, * FROM experiments WHERE name IN (\(marks)) ORDER BY rowid", arguments: names))
            try emit("cells", try Row.fetchAll(db, sql: "SELECT rowid AS _order, * FROM cells ORDER BY rowid").filter { cells.contains($0["id"]) })
            try emit("experiment_cells", try Row.fetchAll(db, sql: "SELECT rowid AS _order, * FROM experiment_cells WHERE experiment IN (\(marks)) ORDER BY rowid", arguments: names))
            try emit("runs", runRows)
            try emit("metrics", try Row.fetchAll(db, sql: "SELECT rowid AS _order, * FROM metrics ORDER BY rowid").filter { runs.contains($0["run"]) })
            try emit("inputs", try Row.fetchAll(db, sql: "SELECT rowid AS _order, * FROM inputs ORDER BY rowid").filter { runs.contains($0["run"]) })
            try emit("judgments", judgmentRows)
            try emit("ratings", ratingRows)
            for name in experiments {
                guard let text = overrides[name] else { continue }
                out += JSONValue.object(["table": .string("overrides"), "row": .object(["experiment": .string(name), "text": .string(text)])]).canonicalText() + "\n"
            }
            return out
        } }
    }

    /// Inserts the rows of an export (`text`, read from `source`) in one transaction. Rows already in the store
    /// must be identical; a row that differs, a table or column the store does not have, or a line that is not an
    /// export's fails the whole import, naming the line.
    @discardableResult
    public func importLineage(_ text: String, source: String) throws -> LineageExport.Contents {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first else {
            throw LineageError.malformedFile(path: source, line: 1, message: "empty; a lineage export starts with its header line")
        }
        var contents = LineageExport.Contents(experiments: try LineageExport.header(first, path: source), overrides: [:], inserted: [:], present: [:])
        try perform("import lineage") { try pool.write { db in
            var columnsOf: [String: Set<String>] = [:]
            for t in LineageExport.tables {
                columnsOf[t] = Set(try Row.fetchAll(db, sql: "PRAGMA table_info(\(t))").map { $0["name"] as String })
            }
            var lastTable = -1
            for (i, line) in lines.enumerated().dropFirst() {
                let n = i + 1
                func bad(_ message: String) -> LineageError { .malformedFile(path: source, line: n, message: message) }
                guard case .object(let o)? = try? JSONValue.parse(line, what: source),
                      case .string(let table)? = o["table"], case .object(let row)? = o["row"] else {
                    throw bad("not an export row ({\"table\": …, \"row\": {…}})")
                }
                if table == "overrides" {
                    guard case .string(let e)? = row["experiment"], case .string(let t)? = row["text"], contents.experiments.contains(e) else {
                        throw bad("an overrides row needs \"experiment\" (one the header names) and \"text\"")
                    }
                    contents.overrides[e] = t
                    continue
                }
                guard let order = LineageExport.tables.firstIndex(of: table), let known = columnsOf[table] else {
                    throw bad("unknown table \"\(table)\" (an export holds \(LineageExport.tables.joined(separator: ", ")), overrides)")
                }
                guard order >= lastTable else { throw bad("\(table) rows after \(LineageExport.tables[lastTable]) rows: the rows they refer to must come first") }
                lastTable = order
                // Columns numbered by the store it came from, left for this store to number.
                let local: Set<String> = table == "judgments" ? ["id"] : []
                let columns = row.keys.sorted().filter { !local.contains($0) }
                if let unknown = columns.first(where: { !known.contains($0) }) {
                    throw bad("\(table) has no column \"\(unknown)\" in this store")
                }
                let values = try columns.map { c -> DatabaseValue in
                    guard let v = Self.importValue(row[c]!) else { throw bad("\(table).\(c) holds \(row[c]!.canonicalText()), not a column value") }
                    return v
                }
                let keys = LineageExport.keys[table]!
                let condition = keys.map { "\($0) IS ?" }.joined(separator: " AND ")
                let keyValues = try keys.map { k -> DatabaseValue in
                    guard let v = row[k] else { throw bad("\(table) row without its key column \"\(k)\"") }
                    return Self.importValue(v) ?? .null
                }
                if let existing = try Row.fetchOne(db, sql: "SELECT * FROM \(table) WHERE \(condition)", arguments: StatementArguments(keyValues)) {
                    var stored: [String: JSONValue] = [:]
                    for (column, value) in existing where row[column] != nil && !local.contains(column) {
                        stored[column] = try Self.exportValue(value, table: table, column: column)
                    }
                    if table == "inputs", case .string(let p)? = stored["path"] { stored["path"] = .string(paths.kept(p)) }
                    guard JSONValue.object(stored).canonicalText() == JSONValue.object(row.filter { !local.contains($0.key) }).canonicalText() else {
                        throw bad("the store already holds this \(table) row (\(keys.map { "\($0) \(row[$0]!.plainText)" }.joined(separator: ", "))) with other values")
                    }
                    contents.present[table, default: 0] += 1
                    continue
                }
                let marks = columns.map { _ in "?" }.joined(separator: ",")
                do {
                    try db.execute(sql: "INSERT INTO \(table) (\(columns.joined(separator: ","))) VALUES (\(marks))", arguments: StatementArguments(values))
                } catch {
                    throw bad("\(table) row rejected by the store: \(error)")
                }
                contents.inserted[table, default: 0] += 1
            }
        } }
        return contents
    }

    /// A column's value as JSON: text, integers and finite reals as themselves, infinities as {"real": "inf"}.
    static func exportValue(_ value: DatabaseValue, table: String, column: String) throws -> JSONValue {
        switch value.storage {
        case .null: return .null
        case .int64(let i): return .integer(i)
        case .double(let d): return d.isFinite ? .number(d) : .object(["real": .string(d > 0 ? "inf" : "-inf")])
        case .string(let s): return .string(s)
        case .blob: throw LineageError.invalidValue(field: "\(table).\(column)", value: "a blob", reason: "an export holds text and numbers only")
        }
    }

    /// The inverse of `exportValue`, or nil for JSON no column holds.
    static func importValue(_ value: JSONValue) -> DatabaseValue? {
        switch value {
        case .null: return .null
        case .bool(let b): return b.databaseValue
        case .integer(let i): return i.databaseValue
        case .number(let d): return d.databaseValue
        case .string(let s): return s.databaseValue
        case .object(let o):
            switch o["real"] {
            case .string("inf")?: return Double.infinity.databaseValue
            case .string("-inf")?: return (-Double.infinity).databaseValue
            default: return nil
            }
        case .array: return nil
        }
    }
}
