import Foundation
import Lineage

/// Where the numbers came from: code versions, machines, input files by hash, and the command rerunning each cell.
struct LineageSection {
    let results: ExperimentResults
    let runsFolder: String?

    /// `qlab rerun CELL`, with `--runs` when the store is not in the default folder.
    static func rerunCommand(cell: String, runsFolder: String?) -> String {
        var command = "qlab rerun \(cell)"
        if let runsFolder, runsFolder != "runs" { command += " --runs \(runsFolder)" }
        return command
    }

    var markdown: String {
        let runs = results.cells.compactMap(\.run)
        var out = "## Lineage\n\n"
        var versions: [String: Int] = [:]
        for run in runs {
            let version = (run.gitCommit.map { String($0.prefix(12)) } ?? "unknown commit") + (run.gitDirty == true ? " with uncommitted changes" : run.gitDirty == false ? " (clean)" : "")
            versions[version, default: 0] += 1
        }
        out += "Code: " + versions.keys.sorted().map { "`\($0)` (\(versions[$0]!) run\(versions[$0]! == 1 ? "" : "s"))" }.joined(separator: ", ") + ".\n"
        if versions.count > 1 { out += "**The runs were made with different code versions.**\n" }
        var machines: [String: Int] = [:]
        for run in runs {
            let m = "\(run.hostname ?? "unknown host"), BLAS core \(run.blasCore ?? "unknown"), \(run.threads.map { "\($0) thread\($0 == 1 ? "" : "s")" } ?? "unknown threads")"
            machines[m, default: 0] += 1
        }
        out += "Machines: " + machines.keys.sorted().map { "\($0) (\(machines[$0]!) run\(machines[$0]! == 1 ? "" : "s"))" }.joined(separator: "; ") + ".\n\n"

        var inputs: [String: (role: String, path: String, sha: String, cells: Int)] = [:]
        for cell in results.cells {
            for input in cell.inputs {
                let key = input.role.rawValue + "\t" + input.path + "\t" + input.sha256
                inputs[key, default: (input.role.rawValue, input.path, input.sha256, 0)].cells += 1
            }
        }
        if !inputs.isEmpty {
            out += "Inputs (SHA-256 of the file contents):\n\n"
            let rows = inputs.keys.sorted().map { key -> [String] in
                let i = inputs[key]!
                return [i.role, "`\(i.path)`", "`\(i.sha)`", "\(i.cells)"]
            }
            out += MarkdownTable(header: ["role", "path", "sha256", "cells"], rows: rows, rightAligned: [3]).markdown + "\n"
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let rows = results.cells.map { cell -> [String] in
            guard let run = cell.run else {
                return [cell.cell, cell.status.rawValue, "–", "–", "–", "–", "`\(Self.rerunCommand(cell: cell.cell, runsFolder: runsFolder))`"]
            }
            let seconds = run.ended.map { String(format: "%.0f s", $0.timeIntervalSince(run.started)) } ?? "–"
            return [cell.cell, run.status.rawValue, String(run.id.prefix(8)), run.seed.map(String.init) ?? "–",
                    formatter.string(from: run.started), seconds, "`\(Self.rerunCommand(cell: cell.cell, runsFolder: runsFolder))`"]
        }
        out += "Runs shown (the latest succeeded run of each cell) and the command that reruns each cell as a new run linked to it:\n\n"
        out += MarkdownTable(header: ["cell", "run status", "run", "seed", "started (UTC)", "took", "rerun"], rows: rows, rightAligned: [5]).markdown
        return out
    }
}
