import GRDB

/// The store's schema, as an ordered list of migrations; a migration, once released, never changes.
enum LineageSchema {
    /// Migration identifiers, oldest first.
    static let versions = ["v1", "v2", "v3"]
    /// The newest migration.
    static let latest = "v3"

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: createV1)
        migrator.registerMigration("v2", migrate: migrateV1ToV2)
        migrator.registerMigration("v3", migrate: migrateV2ToV3)
        return migrator
    }

    /// Experiments, cells, runs, metrics, artifacts and inputs.
    private static func createV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE experiments (
                name TEXT PRIMARY KEY NOT NULL,
                description TEXT NOT NULL,
                spec_hash TEXT,
                created DATETIME NOT NULL
            );
            CREATE TABLE cells (
                id TEXT PRIMARY KEY NOT NULL,
                config TEXT NOT NULL,
                created DATETIME NOT NULL
            );
            CREATE TABLE experiment_cells (
                experiment TEXT NOT NULL REFERENCES experiments(name) ON DELETE CASCADE,
                cell TEXT NOT NULL REFERENCES cells(id) ON DELETE CASCADE,
                axis_values TEXT NOT NULL,
                PRIMARY KEY (experiment, cell)
            );
            CREATE INDEX experiment_cells_cell ON experiment_cells(cell);
            -- parent_run is not a foreign key: cell directories from other machines arrive in any order.
            CREATE TABLE runs (
                id TEXT PRIMARY KEY NOT NULL,
                cell TEXT NOT NULL REFERENCES cells(id) ON DELETE CASCADE,
                status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
                started DATETIME NOT NULL,
                ended DATETIME,
                exit_reason TEXT,
                git_commit TEXT,
                git_dirty BOOLEAN,
                hostname TEXT,
                blas_core TEXT,
                threads INTEGER,
                seed TEXT,
                parent_run TEXT,
                executor TEXT NOT NULL,
                log_path TEXT
            );
            CREATE INDEX runs_cell ON runs(cell, started);
            CREATE INDEX runs_parent ON runs(parent_run);
            -- value NULL stands for NaN, which SQLite cannot store as a REAL.
            CREATE TABLE metrics (
                run TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                step INTEGER,
                name TEXT NOT NULL,
                value REAL
            );
            -- One value per (run, name, step); final metrics (step NULL) are unique too, hence the coalesce.
            CREATE UNIQUE INDEX metrics_key ON metrics(run, name, coalesce(step, -1));
            CREATE TABLE artifacts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                path TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('adapter', 'checkpoint', 'log', 'config', 'evaluation', 'report')),
                sha256 TEXT NOT NULL,
                bytes INTEGER NOT NULL,
                run TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                UNIQUE (run, path)
            );
            CREATE INDEX artifacts_path ON artifacts(path);
            CREATE INDEX artifacts_sha256 ON artifacts(sha256);
            CREATE TABLE inputs (
                run TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                role TEXT NOT NULL CHECK (role IN ('base-model', 'dataset', 'init-adapter')),
                path TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                PRIMARY KEY (run, role, path)
            );
            CREATE INDEX inputs_sha256 ON inputs(sha256);
            """)
    }

    /// Process ids on runs (to find the interrupted ones), tournaments' judgments and ratings.
    /// Runs may end `diverged`. SQLite cannot change a CHECK constraint in place, so the table is rebuilt with the
    /// same columns and rows (the migrator turns foreign keys off during a migration and checks them after).
    private static func migrateV2ToV3(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE runs_v3 (
                id TEXT PRIMARY KEY NOT NULL,
                cell TEXT NOT NULL REFERENCES cells(id) ON DELETE CASCADE,
                status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted', 'diverged')),
                started DATETIME NOT NULL,
                ended DATETIME,
                exit_reason TEXT,
                git_commit TEXT,
                git_dirty BOOLEAN,
                hostname TEXT,
                blas_core TEXT,
                threads INTEGER,
                seed TEXT,
                parent_run TEXT,
                executor TEXT NOT NULL,
                log_path TEXT,
                pid INTEGER
            );
            INSERT INTO runs_v3 (id, cell, status, started, ended, exit_reason, git_commit, git_dirty, hostname, blas_core,
                                 threads, seed, parent_run, executor, log_path, pid)
                SELECT id, cell, status, started, ended, exit_reason, git_commit, git_dirty, hostname, blas_core,
                       threads, seed, parent_run, executor, log_path, pid FROM runs;
            DROP TABLE runs;
            ALTER TABLE runs_v3 RENAME TO runs;
            CREATE INDEX runs_cell ON runs(cell, started);
            CREATE INDEX runs_parent ON runs(parent_run);
            CREATE INDEX runs_status ON runs(status);
            """)
    }

    private static func migrateV1ToV2(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE runs ADD COLUMN pid INTEGER;
            CREATE INDEX runs_status ON runs(status);
            CREATE TABLE judgments (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                tournament TEXT NOT NULL,
                prompt TEXT NOT NULL,
                cell_a TEXT NOT NULL REFERENCES cells(id),
                run_a TEXT REFERENCES runs(id),
                cell_b TEXT NOT NULL REFERENCES cells(id),
                run_b TEXT REFERENCES runs(id),
                presentation_order TEXT NOT NULL CHECK (presentation_order IN ('ab', 'ba')),
                winner TEXT NOT NULL CHECK (winner IN ('a', 'b', 'tie', 'failed')),
                judge TEXT NOT NULL,
                raw_output TEXT NOT NULL,
                created DATETIME NOT NULL
            );
            CREATE INDEX judgments_tournament ON judgments(tournament, prompt);
            CREATE TABLE ratings (
                tournament TEXT NOT NULL,
                cell TEXT NOT NULL REFERENCES cells(id),
                method TEXT NOT NULL,
                rating REAL NOT NULL,
                lower REAL,
                upper REAL,
                PRIMARY KEY (tournament, cell, method)
            );
            """)
    }
}
