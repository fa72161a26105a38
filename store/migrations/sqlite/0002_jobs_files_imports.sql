-- Durable jobs, stored files and contact imports.

-- jobs schedules background work. The row holds ids only; the work's own
-- state lives in its table (contact_imports, ...). A job is claimed with a
-- lease that its worker renews; a worker killed mid-job lets the lease lapse
-- and another (or the restarted) server takes the job over.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    ref_id       INTEGER NOT NULL,
    status       TEXT NOT NULL DEFAULT 'queued', -- queued, running, done, failed
    attempts     INTEGER NOT NULL DEFAULT 0,
    lease_owner  TEXT NOT NULL DEFAULT '',
    lease_until  TEXT,
    run_after    TEXT NOT NULL,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX jobs_ready ON jobs (status, run_after);
CREATE UNIQUE INDEX jobs_ref ON jobs (workspace_id, kind, ref_id);

-- files holds uploads and exports in the database itself, in chunks, so that
-- API servers keep no state of their own and a backup holds everything.
CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    name         TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL DEFAULT 0,
    sha256       TEXT NOT NULL DEFAULT '',
    complete     INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL
);
CREATE INDEX files_ws ON files (workspace_id, id);
CREATE TABLE file_chunks (
    workspace_id INTEGER NOT NULL,
    file_id      INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    data         BLOB NOT NULL,
    PRIMARY KEY (workspace_id, file_id, seq)
) WITHOUT ROWID;

CREATE TABLE contact_imports (
    id             INTEGER PRIMARY KEY,
    workspace_id   INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'queued', -- queued, running, completed, failed, cancelled
    file_id        INTEGER,
    filename       TEXT NOT NULL DEFAULT '',
    options        TEXT NOT NULL DEFAULT '{}',
    encoding       TEXT NOT NULL DEFAULT '',
    delimiter      TEXT NOT NULL DEFAULT '',
    headers        TEXT NOT NULL DEFAULT '[]',
    mapping        TEXT NOT NULL DEFAULT '{}',
    total_rows     INTEGER NOT NULL DEFAULT 0,
    processed_rows INTEGER NOT NULL DEFAULT 0,
    created        INTEGER NOT NULL DEFAULT 0,
    updated        INTEGER NOT NULL DEFAULT 0,
    skipped        INTEGER NOT NULL DEFAULT 0,
    failed         INTEGER NOT NULL DEFAULT 0,
    warnings       INTEGER NOT NULL DEFAULT 0,
    error          TEXT NOT NULL DEFAULT '',
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    created_by_key INTEGER,
    created_at     TEXT NOT NULL,
    started_at     TEXT,
    finished_at    TEXT
);
CREATE INDEX contact_imports_ws ON contact_imports (workspace_id, id);

-- One row per failed row of an import: the error report. raw keeps the
-- row's original cells so the operator can fix and re-upload them.
CREATE TABLE contact_import_errors (
    workspace_id  INTEGER NOT NULL,
    import_id     INTEGER NOT NULL,
    row_number    INTEGER NOT NULL,
    error_field   TEXT NOT NULL DEFAULT '',
    error_code    TEXT NOT NULL,
    error_message TEXT NOT NULL,
    raw           TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (workspace_id, import_id, row_number)
) WITHOUT ROWID;

CREATE INDEX contacts_email ON contacts (workspace_id, email) WHERE email <> '';
