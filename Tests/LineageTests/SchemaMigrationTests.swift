import Foundation
import GRDB
import Testing
@testable import Lineage

@Suite struct SchemaMigrationTests {
    @Test func emptyFileGetsEveryMigrationAndEveryTable() throws {
        try withTemporaryDirectory { directory in
            let store = try LineageStore(path: directory.appendingPathComponent("runs/lineage.sqlite").path)
            #expect(try store.schemaVersions() == LineageSchema.versions)
            let tables = try store.pool.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") }
            for table in ["artifacts", "cells", "experiment_cells", "experiments", "inputs", "judgments", "metrics", "ratings", "runs"] {
                #expect(tables.contains(table), "missing table \(table)")
            }
            let journal = try store.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
            #expect(journal == "wal")
            let foreignKeys = try store.pool.read { try Int.fetchOne($0, sql: "PRAGMA foreign_keys") }
            #expect(foreignKeys == 1)
        }
    }

    @Test func version1StoreMigratesWithItsRowsIntact() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("lineage.sqlite").path
            do {
                let old = try LineageStore(path: path, busyTimeout: 5, migratingUpTo: "v1")
                #expect(try old.schemaVersions() == ["v1"])
                // Written as a v1 build would: no pid column, no tournament tables.
                try old.pool.write { db in
                    try db.execute(sql: """
                        INSERT INTO experiments VALUES ('smoke', 'a few cells', 'h', '2026-11-01 10:00:00.000');
                        INSERT INTO cells VALUES ('c1', '{"seed":1}', '2026-11-01 10:00:00.000');
                        INSERT INTO experiment_cells VALUES ('smoke', 'c1', '{"seed":1}');
                        INSERT INTO runs (id, cell, status, started, ended, executor, seed, threads)
                            VALUES ('r1', 'c1', 'succeeded', '2026-11-01 10:00:00.000', '2026-11-01 10:05:00.000', 'local', '18446744073709551615', 2);
                        INSERT INTO metrics VALUES ('r1', 1, 'loss', 2.5), ('r1', NULL, 'eval_loss', 2.25);
                        """)
                }
                let hasPid = try old.pool.read { db in try db.columns(in: "runs").contains { $0.name == "pid" } }
                #expect(!hasPid)
            }
            let store = try LineageStore(path: path)
            #expect(try store.schemaVersions() == LineageSchema.versions)
            let run = try #require(try store.run(id: "r1"))
            #expect(run.status == .succeeded)
            #expect(run.pid == nil)
            #expect(run.seed == UInt64.max)
            #expect(try store.finalMetrics(run: "r1") == ["eval_loss": 2.25])
            #expect(try store.cellStatus(id: "c1") == .done)
            try store.recordJudgments([JudgmentRecord(tournament: "t", prompt: "p1", cellA: "c1", cellB: "c1", presentationOrder: .ab, winner: .tie, judge: "reference", rawOutput: "tie")])
            #expect(try store.judgments(tournament: "t").count == 1)
        }
    }

    @Test func version2StoreMigratesAndThenRecordsDivergedRuns() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("lineage.sqlite").path
            do {
                let old = try LineageStore(path: path, busyTimeout: 5, migratingUpTo: "v2")
                try old.pool.write { db in
                    try db.execute(sql: """
                        INSERT INTO experiments VALUES ('smoke', 'a few cells', 'h', '2026-11-01 10:00:00.000');
                        INSERT INTO cells VALUES ('c1', '{"seed":1}', '2026-11-01 10:00:00.000');
                        INSERT INTO experiment_cells VALUES ('smoke', 'c1', '{"seed":1}');
                        INSERT INTO runs (id, cell, status, started, ended, executor, seed, threads, pid, blas_core)
                            VALUES ('r1', 'c1', 'failed', '2026-11-01 10:00:00.000', '2026-11-01 10:05:00.000', 'local', '7', 2, 4242, 'Haswell');
                        INSERT INTO metrics VALUES ('r1', 1, 'loss', 2.5);
                        """)
                    // A v2 store refuses the new status: the constraint the migration replaces.
                    #expect(throws: (any Error).self) {
                        try db.execute(sql: "UPDATE runs SET status = 'diverged' WHERE id = 'r1'")
                    }
                }
            }
            let store = try LineageStore(path: path)
            #expect(try store.schemaVersions() == LineageSchema.versions)
            // Every column and the run's metrics survive the rebuilt table.
            let run = try #require(try store.run(id: "r1"))
            #expect(run.status == .failed && run.pid == 4242 && run.blasCore == "Haswell" && run.threads == 2 && run.seed == 7)
            #expect(try store.metricCount(run: "r1") == 1)
            let diverged = try store.startRun(RunRecord(cell: "c1", started: Date(timeIntervalSince1970: 1_800_000_000), parentRun: "r1"))
            try store.finishRun(id: diverged, status: .diverged, exitReason: "step 2: the loss is not finite")
            #expect(try store.run(id: diverged)?.status == .diverged)
            #expect(try store.cellStatus(id: "c1") == .diverged)
            let indexes = try store.pool.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs'") }
            #expect(Set(indexes).isSuperset(of: ["runs_cell", "runs_parent", "runs_status"]))
        }
    }

    @Test func storeFromANewerBuildIsRefusedByName() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("lineage.sqlite").path
            try LineageStore(path: path).pool.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v9')")
            }
            #expect(throws: LineageError.newerSchema(path: path, unknownMigrations: ["v9"])) {
                try LineageStore(path: path)
            }
            #expect(throws: LineageError.self) {
                try LineageStore(path: directory.appendingPathComponent("other.sqlite").path, busyTimeout: 1, migratingUpTo: "v0")
            }
        }
    }

    @Test func reopeningAppliesNothingTwice() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("lineage.sqlite").path
            try recordGrid(LineageStore(path: path), cells: 2)
            let store = try LineageStore(path: path)
            #expect(try store.schemaVersions() == LineageSchema.versions)
            #expect(try store.cells(experiment: "learning-rate").count == 2)
        }
    }
}
