import Support
import Foundation

/// An experiment as a table: one row per cell, one column per axis and per final metric.
public struct ExperimentExport: Sendable, Equatable {
    /// The experiment's name.
    public var experiment: String
    /// Axis names, sorted.
    public var axisNames: [String]
    /// Final metric names, sorted.
    public var metricNames: [String]
    /// One row per cell, in the order the cells were recorded.
    public var rows: [ExportRow]

    /// An export.
    public init(experiment: String, axisNames: [String], metricNames: [String], rows: [ExportRow]) {
        self.experiment = experiment
        self.axisNames = axisNames
        self.metricNames = metricNames
        self.rows = rows
    }

    /// The table as CSV (RFC 4180): `cell,status,run`, the axes, then the metrics.
    public func csv() -> String {
        var lines = [(["cell", "status", "run"] + axisNames + metricNames).map(Self.csvField).joined(separator: ",")]
        for row in rows {
            var fields = [row.cell, row.status.rawValue, row.run ?? ""]
            fields += axisNames.map { row.axisLabels[$0] ?? "" }
            // Counts (parameters, tokens) are whole numbers: `2442240`, not `2442240.0`.
            fields += metricNames.map { name in row.metrics[name].map { JSONValue.number($0).plainText } ?? "" }
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The rows as a JSON array of objects with sorted keys.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            return try encoder.encode(rows)
        } catch {
            throw LineageError.invalidValue(field: "export of \(experiment)", value: "rows", reason: "\(error)")
        }
    }

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
